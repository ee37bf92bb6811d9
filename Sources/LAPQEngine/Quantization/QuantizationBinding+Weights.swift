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
        quantizer.fakeQuantize(&result.data, shape: weight.shape, vectorized: vectorized)
        if let axis = biasCorrectionAxis(node: index, weight: weight) {
            correctBias(quantized: &result.data, original: weight.data, shape: weight.shape, channelAxis: axis)
        }
        return result
    }

    /// The output-channel axis along which node `index`'s quantized weight is bias-corrected,
    /// or nil when it is not (no correction in the plan, weight not quantized, float run).
    func biasCorrectionAxis(node index: Int, weight: Tensor) -> Int? {
        guard plan.correctsWeightBias, weightQuantizer(node: index) != nil, weight.rank >= 1 else { return nil }
        return QuantizationPlan.outputChannelAxis(of: graph.nodes[index].op, weightRank: weight.rank)
    }
}

extension QuantizationBinding {
    /// What bias correction subtracts from node `index`'s fake-quantized weight: the output
    /// channel axis and one Float shift per channel (the values `correctBias` subtracts), or nil
    /// when the node's weight is not corrected. The QDQ export writes it as a `Sub`.
    func biasCorrectionShift(node index: Int, weight: Tensor) -> (axis: Int, shifts: [Float])? {
        guard let axis = biasCorrectionAxis(node: index, weight: weight),
              let quantizer = weightQuantizer(node: index) else { return nil }
        let shifts = channelMeanShift(quantized: quantizer.fakeQuantized(weight.data, shape: weight.shape), original: weight.data,
                                      shape: weight.shape, channelAxis: axis)
        return (axis, shifts.map(Float.init))
    }
}

extension QuantizationBinding {
    /// The int32 quantizers of node `index`'s bias (operand 2), when both its input and its
    /// weight are quantized and it has a constant bias; nil otherwise (also in a float run).
    /// One at s = Δx · Δw for a per-tensor weight; one per output channel, s_c = Δx · Δw_c, for a
    /// per-channel weight — bias element j then belongs to channel j mod C, which covers a bias
    /// whose last dimension is C ((C), (1, C), (M, C)); a bias of another shape stays float,
    /// having no per-channel grid.
    /// See docs/algorithms.md, "Bias quantization".
    func biasQuantizers(node index: Int) -> [BiasQuantizer]? {
        let node = graph.nodes[index]
        guard node.inputs.count > 2, let bias = graph.initializers[node.inputs[2]],
              let input = activationQuantizer(node: index), !input.isIdentity,
              let weight = weightQuantizer(node: index), !weight.isIdentity else { return nil }
        if weight.axis != nil, bias.shape.last != weight.channels.count { return nil }
        return [BiasQuantizer](input: input, weight: weight)
    }

    /// The bias node `index` computes with: int32-quantized when `biasQuantizers` says so,
    /// `bias` unchanged otherwise.
    func quantizedBias(_ bias: Tensor, node index: Int) -> Tensor {
        guard let quantizers = biasQuantizers(node: index) else { return bias }
        return Tensor(shape: bias.shape, data: quantizers.quantized(bias.data))
    }
}
