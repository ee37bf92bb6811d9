/// Reference ONNX `Concat` along `axis`: inputs agree on every other dim.
///
/// - Parameters:
///   - out: overwritten with the inputs' shape, whose `axis` dim is the sum of theirs.
///   - inputs: one or more tensors of equal rank.
public func concatNaive(_ out: inout Tensor, _ inputs: [Tensor], axis: Int) throws(KernelError) {
    guard let first = inputs.first else {
        throw KernelError.invalidGeometry(op: "Concat", reason: "needs at least one input")
    }
    let dim = try normalizedAxis(axis, rank: first.rank, op: "Concat")
    var shape = first.shape
    shape[dim] = 0
    for input in inputs {
        var expected = first.shape
        expected[dim] = input.rank == first.rank ? input.shape[dim] : -1
        try requireShape(input.shape, expected, op: "Concat", argument: "input")
        shape[dim] += input.shape[dim]
    }
    let outer = first.shape[..<dim].reduce(1, *)
    var data = [Float]()
    data.reserveCapacity(shape.reduce(1, *))
    for o in 0..<outer {
        for input in inputs {
            let slice = input.shape[dim...].reduce(1, *)  // one outer row of this input
            data.append(contentsOf: input.data[(o * slice)..<((o + 1) * slice)])
        }
    }
    out = Tensor(shape: shape, data: data)  // out is shape
}

/// Reference ONNX `Flatten`: out is (Π dims before `axis`, Π dims from `axis`), same data.
public func flattenNaive(_ out: inout Tensor, _ x: Tensor, axis: Int = 1) throws(KernelError) {
    let dim = try normalizedAxis(axis, rank: x.rank, op: "Flatten", allowingRank: true)
    out = Tensor(shape: [x.shape[..<dim].reduce(1, *), x.shape[dim...].reduce(1, *)], data: x.data)
}
