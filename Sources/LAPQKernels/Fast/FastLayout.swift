/// ONNX `Transpose`, bit-identical to ``transposeNaive`` (a copy): the output is written row
/// by row (its last axis), each row gathered from the input at that axis's stride, rows split
/// over `threads`. O(count(x)).
public func transposeFast(_ out: inout Tensor, _ x: Tensor, perm: [Int], threads: Int) throws(KernelError) {
    guard isPermutation(perm, rank: x.rank) else {
        throw KernelError.invalidGeometry(op: "Transpose", reason: "perm \(perm) is not a permutation of \(x.rank) axes")
    }
    let shape = perm.map { x.shape[$0] }
    out.prepareForOverwrite(shape: shape)  // out is perm(x.shape)
    guard out.count > 0 else { return }
    let inputStrides = rowMajorStrides(x.shape)
    let strides = perm.map { inputStrides[$0] }   // input stride of each output axis
    let rowLength = shape.last ?? 1, rows = out.count / rowLength, innerStride = strides.last ?? 1
    x.data.withUnsafeBufferPointer { input in
        out.data.withUnsafeMutableBufferPointer { output in
            guard let source = input.baseAddress, let target = output.baseAddress else { return }
            inParallelChunks(rows, threads: threads, minimumPerThread: max(1, (1 << 15) / rowLength)) { range in
                for row in range {
                    var remainder = row, offset = 0
                    for axis in stride(from: shape.count - 2, through: 0, by: -1) {
                        offset += (remainder % shape[axis]) * strides[axis]
                        remainder /= shape[axis]
                    }
                    let destination = target + row * rowLength
                    for column in 0..<rowLength { destination[column] = source[offset + column * innerStride] }
                }
            }
        }
    }
}

/// ONNX `ReduceMean` over a trailing block of axes (`axes` = `k..<rank`, the layer-norm and
/// spatial-mean case), bit-identical to ``reduceMeanNaive``: each output is the Double sum of
/// one contiguous run, in index order, divided once; outputs split over `threads`.
/// Returns false (and leaves `out`) when `axes` are not such a block.
public func reduceMeanTrailingFast(_ out: inout Tensor, _ x: Tensor, axes: [Int], keepDims: Bool,
                                   threads: Int) -> Bool {
    guard let first = axes.min(), axes.sorted() == Array(first..<x.rank) else { return false }
    let runLength = x.shape[first...].reduce(1, *)
    let shape = keepDims ? Array(x.shape[..<first]) + Array(repeating: 1, count: axes.count) : Array(x.shape[..<first])
    out.prepareForOverwrite(shape: shape)  // out is shape
    guard runLength > 0 else { return true }
    x.data.withUnsafeBufferPointer { input in
        out.data.withUnsafeMutableBufferPointer { output in
            guard let source = input.baseAddress, let target = output.baseAddress else { return }
            inParallelChunks(output.count, threads: threads, minimumPerThread: max(1, (1 << 15) / runLength)) { range in
                for cell in range {
                    var sum = 0.0
                    let run = source + cell * runLength
                    for index in 0..<runLength { sum += Double(run[index]) }
                    target[cell] = Float(sum / Double(runLength))
                }
            }
        }
    }
    return true
}

/// ONNX `Slice` with constant parameters (see ``sliceRanges``) on a plain tensor, bit-identical
/// to ``sliceNaive`` (a copy): ``windowCopyFast`` on row-major strides, so plain and strided
/// tensors share one loop. O(count(out)).
public func sliceFast(_ out: inout Tensor, _ x: Tensor, starts: [Int], ends: [Int], axes: [Int], steps: [Int],
                      threads: Int) throws(KernelError) {
    let windows = try AxisWindow.slice(shape: x.shape, starts: starts, ends: ends, axes: axes, steps: steps)
    let shape = windows.map(\.outputSize)
    out.prepareForOverwrite(shape: shape)  // out is the ranges' counts
    guard out.count > 0 else { return }
    let (inputStrides, outputStrides) = (rowMajorStrides(x.shape), rowMajorStrides(shape))
    x.data.withUnsafeBufferPointer { input in
        out.data.withUnsafeMutableBufferPointer { output in
            guard let source = input.baseAddress, let target = output.baseAddress else { return }
            windowCopyFast(target, outStrides: outputStrides, source, xShape: x.shape, xStrides: inputStrides,
                           windows: windows, fill: 0, threads: threads)
        }
    }
}
