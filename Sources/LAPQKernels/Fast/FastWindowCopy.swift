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
    let rowLength = shape[inner], rows = count / rowLength
    let window = windows[inner]
    inParallelChunks(rows, threads: threads, minimumPerThread: max(1, (1 << 15) / rowLength)) { range in
        for row in range {
            var remainder = row, outOffset = 0, xOffset = 0, inside = true
            for axis in outer.reversed() {
                let position = remainder % shape[axis]
                remainder /= shape[axis]
                let source = windows[axis].origin + position * windows[axis].step
                outOffset += position * outStrides[axis]
                if source < 0 || source >= xShape[axis] { inside = false } else { xOffset += source * xStrides[axis] }
            }
            let target = out + outOffset, innerStride = outStrides[inner]
            guard inside else {
                for column in 0..<rowLength { target[column * innerStride] = fill }
                continue
            }
            for column in 0..<rowLength {
                let source = window.origin + column * window.step
                target[column * innerStride] = source < 0 || source >= xShape[inner]
                    ? fill : x[xOffset + source * xStrides[inner]]
            }
        }
    }
}
