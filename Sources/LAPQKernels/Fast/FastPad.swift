/// ONNX `Pad`, bit-identical to ``padNaive`` (a copy): the output is written row by row (its
/// last axis); each row is either a fill (its outer coordinates fall outside x in constant mode)
/// or one contiguous run of an input row with the last axis's fill or mirror around it. Rows
/// are split over `threads`. O(count(out)).
public func padFast(_ out: inout Tensor, _ x: Tensor, pads: [Int], mode: PadMode, value: Float,
                    threads: Int) throws(KernelError) {
    let shape = try paddedShape(x.shape, pads: pads, mode: mode)
    out.prepareForOverwrite(shape: shape)  // out is x.shape + begins + ends
    guard out.count > 0 else { return }
    let rank = shape.count
    guard rank > 0 else {
        out.data[0] = x.data[0]
        return
    }
    let rowLength = shape[rank - 1], rows = out.count / rowLength
    let inputStrides = rowMajorStrides(x.shape)
    let lastSize = x.shape[rank - 1], lastBegin = pads[rank - 1]
    // The input column each output column reads (nil: the fill), the same for every row.
    let columns = (0..<rowLength).map { padSource($0 - lastBegin, size: lastSize, mode: mode) ?? -1 }
    x.data.withUnsafeBufferPointer { input in
        out.data.withUnsafeMutableBufferPointer { output in
            guard let source = input.baseAddress, let target = output.baseAddress else { return }
            inParallelChunks(rows, threads: threads, minimumPerThread: max(1, (1 << 15) / rowLength)) { range in
                for row in range {
                    let destination = target + row * rowLength
                    guard let offset = rowOffset(row, shape, pads, x.shape, inputStrides, mode) else {
                        for column in 0..<rowLength { destination[column] = value }
                        continue
                    }
                    for column in 0..<rowLength {
                        let read = columns[column]
                        destination[column] = read < 0 ? value : source[offset + read]
                    }
                }
            }
        }
    }
}

/// The input offset of output row `row`'s outer coordinates (all axes but the last), or nil
/// when one of them falls outside x in constant mode.
@inline(__always)
private func rowOffset(_ row: Int, _ shape: [Int], _ pads: [Int], _ inputShape: [Int], _ inputStrides: [Int],
                       _ mode: PadMode) -> Int? {
    var remainder = row, offset = 0
    for axis in stride(from: shape.count - 2, through: 0, by: -1) {
        let position = remainder % shape[axis] - pads[axis]
        remainder /= shape[axis]
        guard let coordinate = padSource(position, size: inputShape[axis], mode: mode) else { return nil }
        offset += coordinate * inputStrides[axis]
    }
    return offset
}
