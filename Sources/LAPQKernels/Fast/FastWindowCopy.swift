/// One axis of a window copy: output coordinate o reads input coordinate origin + o·step, or
/// the fill value where that falls outside the input. A Slice is origin = start with its step
/// (always inside); a constant Pad is origin = −begin, step 1.
public struct AxisWindow: Equatable, Sendable {
    public var origin: Int
    public var step: Int
    public var outputSize: Int

    public init(origin: Int, step: Int, outputSize: Int) {
        self.origin = origin
        self.step = step
        self.outputSize = outputSize
    }

    /// The windows of ONNX `Slice` (see ``sliceRanges``) on `shape`.
    public static func slice(shape: [Int], starts: [Int], ends: [Int], axes: [Int],
                             steps: [Int]) throws(KernelError) -> [AxisWindow] {
        try sliceRanges(shape: shape, starts: starts, ends: ends, axes: axes, steps: steps).map {
            AxisWindow(origin: $0.start, step: $0.step, outputSize: $0.count)
        }
    }

    /// The windows of a constant-mode ONNX `Pad` (`pads` = begins then ends) on `shape`.
    public static func constantPad(shape: [Int], pads: [Int]) throws(KernelError) -> [AxisWindow] {
        let padded = try paddedShape(shape, pads: pads, mode: .constant)
        return shape.indices.map { AxisWindow(origin: -pads[$0], step: 1, outputSize: padded[$0]) }
    }
}

/// out[o] = x[origin + o·step] per axis, or `fill` outside x — Slice and constant Pad on tensors
/// in any dense strided layout (NCHW, NHWC, …; `xStrides` and `outStrides` in elements, per
/// logical axis), so a CIFAR ResNet's strided shortcut runs on the NHWC tensors the int8
/// convolutions write instead of being reordered to NCHW and back. Equal, element for element,
/// to ``sliceNaive`` / ``padNaive`` (constant mode) on the same logical tensor (a copy; tests hold
/// them together). The output is walked along its innermost (stride 1) axis, rows split over
/// `threads`. O(count(out)).
public func windowCopyFast(_ out: UnsafeMutablePointer<Float>, outStrides: [Int], _ x: UnsafePointer<Float>,
                           xShape: [Int], xStrides: [Int], windows: [AxisWindow], fill: Float, threads: Int) {
    let rank = windows.count
    precondition(xShape.count == rank && xStrides.count == rank && outStrides.count == rank, "rank mismatch")
    let shape = windows.map(\.outputSize)
    let count = shape.reduce(1, *)
    guard count > 0 else { return }
    guard rank > 0 else {
        out[0] = x[0]
        return
    }
    // The innermost output axis (smallest stride) is the row; the others, outermost first, index rows.
    let order = (0..<rank).sorted { (outStrides[$0], $0) > (outStrides[$1], $1) }
    let inner = order[rank - 1], outer = Array(order.dropLast())
    let rowLength = shape[inner], rows = count / rowLength, innerStride = outStrides[inner]
    // Per column of a row: its input offset along the inner axis, or −1 for the fill; the same in
    // every row. Where they run contiguously on both sides (the usual Slice or channel Pad of an
    // NHWC tensor) the row is fill, one memory copy, fill.
    let columns = (0..<rowLength).map { column -> Int in
        let source = windows[inner].origin + column * windows[inner].step
        return source < 0 || source >= xShape[inner] ? -1 : source * xStrides[inner]
    }
    let first = columns.firstIndex { $0 >= 0 } ?? rowLength, last = columns.lastIndex { $0 >= 0 } ?? -1
    let isRun = innerStride == 1 && first <= last
        && (first...last).allSatisfy { columns[$0] == columns[first] + ($0 - first) }
    let outerShape = outer.map { shape[$0] }, outerWindows = outer.map { windows[$0] }
    let outerXStrides = outer.map { xStrides[$0] }, outerOutStrides = outer.map { outStrides[$0] }
    let outerXSizes = outer.map { xShape[$0] }
    columns.withUnsafeBufferPointer { columns in
        inParallelChunks(rows, threads: threads, minimumPerThread: max(1, (1 << 15) / rowLength)) { range in
            // The row's position on each outer axis, advanced like an odometer.
            var position = [Int](repeating: 0, count: outer.count), remainder = range.lowerBound
            for axis in stride(from: outer.count - 1, through: 0, by: -1) {
                position[axis] = remainder % outerShape[axis]
                remainder /= outerShape[axis]
            }
            for _ in range {
                var outOffset = 0, xOffset = 0, inside = true
                for axis in 0..<outer.count {
                    let source = outerWindows[axis].origin + position[axis] * outerWindows[axis].step
                    outOffset += position[axis] * outerOutStrides[axis]
                    if source < 0 || source >= outerXSizes[axis] { inside = false } else { xOffset += source * outerXStrides[axis] }
                }
                let target = out + outOffset
                if !inside {
                    for column in 0..<rowLength { target[column * innerStride] = fill }
                } else if isRun {
                    for column in 0..<first { target[column] = fill }
                    (target + first).update(from: x + xOffset + columns[first], count: last - first + 1)
                    for column in (last + 1)..<rowLength { target[column] = fill }
                } else {
                    for column in 0..<rowLength {
                        let read = columns[column]
                        target[column * innerStride] = read < 0 ? fill : x[xOffset + read]
                    }
                }
                var axis = outer.count - 1
                while axis >= 0 {
                    position[axis] += 1
                    if position[axis] < outerShape[axis] { break }
                    position[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
