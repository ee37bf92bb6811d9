/// Reference 2-D convolution (ONNX `Conv`), the formula of ``Conv2DGeometry`` as plain loops,
/// accumulating each output in Double. O(N·O·outH·outW·(C/G)·kH·kW).
///
/// - Parameters:
///   - out: overwritten with shape (N, O, outH, outW).
///   - input: (N, C, H, W).
///   - weights: (O, C/G, kH, kW).
///   - bias: (O) or nil.
public func conv2dNaive(_ out: inout Tensor, _ input: Tensor, _ weights: Tensor, _ bias: Tensor?,
                        _ g: Conv2DGeometry) throws(KernelError) {
    try g.validate()
    try requireShape(input.shape, g.inputShape, op: "Conv", argument: "input")
    try requireShape(weights.shape, g.weightShape, op: "Conv", argument: "weights")
    if let bias { try requireShape(bias.shape, [g.outChannels], op: "Conv", argument: "bias") }
    out = Tensor(shape: g.outputShape)  // out is (N, O, outH, outW)
    let groupIn = g.inChannels / g.groups, groupOut = g.outChannels / g.groups
    let (outH, outW) = (g.outHeight, g.outWidth)
    for n in 0..<g.batch {
        for o in 0..<g.outChannels {
            let firstChannel = (o / groupOut) * groupIn
            for y in 0..<outH {
                for x in 0..<outW {
                    var sum = Double(bias?.data[o] ?? 0)
                    for c in 0..<groupIn {
                        for i in 0..<g.kernelHeight {
                            let row = y * g.strideHeight - g.padTop + i * g.dilationHeight
                            guard row >= 0 && row < g.inHeight else { continue }
                            for j in 0..<g.kernelWidth {
                                let col = x * g.strideWidth - g.padLeft + j * g.dilationWidth
                                guard col >= 0 && col < g.inWidth else { continue }
                                let inputIndex = ((n * g.inChannels + firstChannel + c) * g.inHeight + row) * g.inWidth + col
                                let weightIndex = ((o * groupIn + c) * g.kernelHeight + i) * g.kernelWidth + j
                                sum += Double(input.data[inputIndex]) * Double(weights.data[weightIndex])
                            }
                        }
                    }
                    out.data[((n * g.outChannels + o) * outH + y) * outW + x] = Float(sum)
                }
            }
        }
    }
}
