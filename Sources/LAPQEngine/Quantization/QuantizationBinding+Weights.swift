import LAPQKernels
import LAPQMath

/// How a layer's constants are quantized, in one place for `Executor`, `ReferenceExecutor` and
/// the QDQ export: the weight fake-quantized by its point's quantizer, then — when the plan
/// corrects bias — the per-output-channel mean shift subtracted (docs/algorithms.md, "Bias
/// correction"); the bias, when input and weight are quantized, on the int32 grid of Δx·Δw
/// ("Bias quantization").
extension QuantizationBinding {
    /// The weight node `index` computes with. `vectorized` picks the SIMD fake-quant kernel
    /// (the fast executor) or the scalar reference (`ReferenceExecutor`); the two are
    /// bit-identical. Returns `weight` unchanged when the node's weight is not quantized or the
    /// network runs in float. O(weight size).
    func quantizedWeight(_ weight: Tensor, node index: Int, vectorized: Bool) -> Tensor {
        guard let quantizer = weightQuantizer(node: index) else { return weight }
        var result = weight
        if vectorized {
            quantizer.fakeQuantize(&result.data)
        } else {
            result.data = weight.data.map { (value: Float) -> Float in quantizer.fakeQuantize(value) }
        }
        if let axis = biasCorrectionAxis(node: index, weight: weight) {
            correctBias(quantized: &result.data, original: weight.data, shape: weight.shape, channelAxis: axis)
        }
        return result
    }

    /// The output-channel axis along which node `index`'s quantized weight is bias-corrected,
    /// or nil when it is not (no correction in the plan, weight not quantized, float run).
    func biasCorrectionAxis(node index: Int, weight: Tensor) -> Int? {
        guard plan.correctsWeightBias, weightQuantizer(node: index) != nil, weight.rank >= 1 else { return nil }
        return Self.outputChannelAxis(of: graph.nodes[index].op, weightRank: weight.rank)
    }

    /// Where a layer's weight keeps its output channels: the first axis of a Conv weight
    /// (C_out, C_in/g, kH, kW) and of a transB = 1 Gemm weight (N, K); the last of a MatMul or
    /// transB = 0 Gemm weight (…, K, N).
    static func outputChannelAxis(of op: Operator, weightRank: Int) -> Int {
        switch op {
        case .gemm(let attributes) where attributes.transB: return 0
        case .gemm, .matMul: return weightRank - 1
        default: return 0
        }
    }
}

extension QuantizationBinding {
    /// What bias correction subtracts from node `index`'s fake-quantized weight: the output
    /// channel axis and one Float shift per channel (the values `correctBias` subtracts), or nil
    /// when the node's weight is not corrected. The QDQ export writes it as a `Sub`.
    func biasCorrectionShift(node index: Int, weight: Tensor) -> (axis: Int, shifts: [Float])? {
        guard let axis = biasCorrectionAxis(node: index, weight: weight),
              let quantizer = weightQuantizer(node: index) else { return nil }
        let shifts = channelMeanShift(quantized: quantizer.fakeQuantized(weight.data), original: weight.data,
                                      shape: weight.shape, channelAxis: axis)
        return (axis, shifts.map(Float.init))
    }
}

extension QuantizationBinding {
    /// The int32 quantizer of node `index`'s bias (operand 2) at s = Δx · Δw, when both its
    /// input and its weight are quantized and it has a constant bias; nil otherwise (also in a
    /// float run). See docs/algorithms.md, "Bias quantization".
    func biasQuantizer(node index: Int) -> BiasQuantizer? {
        let node = graph.nodes[index]
        guard node.inputs.count > 2, graph.initializers[node.inputs[2]] != nil,
              let input = activationQuantizer(node: index), !input.isIdentity,
              let weight = weightQuantizer(node: index), !weight.isIdentity else { return nil }
        return BiasQuantizer(inputStep: input.stepSize, weightStep: weight.stepSize)
    }

    /// The bias node `index` computes with: int32-quantized when `biasQuantizer` says so,
    /// `bias` unchanged otherwise.
    func quantizedBias(_ bias: Tensor, node index: Int) -> Tensor {
        guard let quantizer = biasQuantizer(node: index) else { return bias }
        return Tensor(shape: bias.shape, data: quantizer.quantized(bias.data))
    }
}
