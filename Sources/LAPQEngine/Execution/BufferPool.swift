import LAPQKernels

/// Output buffers of one compiled program, kept from one forward pass to the next so that a
/// pass neither allocates nor zero-fills (page-faults) hundreds of megabytes.
///
/// A buffer is handed out again only when the pool holds its sole reference: a buffer that a
/// prefix snapshot (or anything else) still holds is left to its holder and replaced by a
/// fresh one. So reuse never changes a value someone can still read, and results are the
/// same with or without it. Memory: one buffer per slot, about the sum of the program's
/// intermediate tensors, plus a plain copy of each `.plain` step's operands and result.
final class BufferPool {
    /// What a buffer holds: the graph input, the output of a step, the fake-quantized value
    /// of a point, or a step's operand reordered into the layout the step computes in.
    enum Slot {
        case input
        case step(Int)
        case quantized(point: Int)
        case reorderedOperand(step: Int)
    }

    private var inputBuffer: DNNLTensor?
    private var stepBuffers: [DNNLTensor?]
    private var quantizedBuffers: [DNNLTensor?]
    private var operandBuffers: [DNNLTensor?]
    /// The plain operands and result of each `.plain` step, kept for the next pass.
    private var plainArrays: [PlainArrays?]
    /// Bias correction's working memory on int8 layers (`OutputCorrection`).
    var correctionScratch = CorrectionScratch()

    /// A plain step's operand and result arrays (`Tensor.prepareForOverwrite` reuses them).
    struct PlainArrays {
        var operands: [Tensor]
        var result: Tensor
    }

    init(stepCount: Int, pointCount: Int) {
        stepBuffers = Array(repeating: nil, count: stepCount)
        quantizedBuffers = Array(repeating: nil, count: pointCount)
        operandBuffers = Array(repeating: nil, count: stepCount)
        plainArrays = Array(repeating: nil, count: stepCount)
    }

    /// Step `index`'s plain arrays from the last pass (empty ones the first time), taken out of
    /// the pool so that writing them does not copy; `keepPlainArrays` puts them back.
    func takePlainArrays(step index: Int, operandCount: Int) -> PlainArrays {
        defer { plainArrays[index] = nil }
        return plainArrays[index]
            ?? PlainArrays(operands: Array(repeating: Tensor(shape: [0]), count: operandCount), result: Tensor(shape: [0]))
    }

    func keepPlainArrays(_ arrays: PlainArrays, step index: Int) {
        plainArrays[index] = arrays
    }

    /// The slot's buffer if nobody else holds it and `fits` accepts it, else a new one from `make`
    /// (which then takes the slot).
    func buffer(_ slot: Slot, fits: (DNNLTensor) -> Bool = { _ in true },
                make: () throws -> DNNLTensor) rethrows -> DNNLTensor {
        switch slot {
        case .input: return try reuse(&inputBuffer, fits: fits, make: make)
        case .step(let index): return try reuse(&stepBuffers[index], fits: fits, make: make)
        case .quantized(let point): return try reuse(&quantizedBuffers[point], fits: fits, make: make)
        case .reorderedOperand(let step): return try reuse(&operandBuffers[step], fits: fits, make: make)
        }
    }

    private func reuse(_ held: inout DNNLTensor?, fits: (DNNLTensor) -> Bool,
                       make: () throws -> DNNLTensor) rethrows -> DNNLTensor {
        if isKnownUniquelyReferenced(&held), let buffer = held, fits(buffer) { return buffer }
        let buffer = try make()
        held = buffer
        return buffer
    }
}
