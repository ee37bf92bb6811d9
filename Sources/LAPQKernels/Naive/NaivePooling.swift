/// Reference 2-D pooling (ONNX `MaxPool` / `AveragePool`) as plain loops, the rules of
/// ``Pool2DGeometry`` and ``PoolKind``. O(N·C·outH·outW·kH·kW).
///
/// - Parameters:
///   - out: overwritten with shape (N, C, outH, outW).
///   - input: (N, C, H, W).
public func pool2dNaive(_ out: inout Tensor, _ input: Tensor, _ g: Pool2DGeometry,
                        _ kind: PoolKind) throws(KernelError) {
    try g.validate(op: kind == .max ? "MaxPool" : "AveragePool")
    try requireShape(input.shape, g.inputShape, op: "Pool", argument: "input")
    out = Tensor(shape: g.outputShape)  // out is (N, C, outH, outW)
    let (outH, outW) = (g.outHeight, g.outWidth)
    for plane in 0..<(g.batch * g.channels) {
        let planeBase = plane * g.inHeight * g.inWidth
        for y in 0..<outH {
            for x in 0..<outW {
                let top = y * g.strideHeight - g.padTop, left = x * g.strideWidth - g.padLeft
                var maximum = -Float.infinity, sum = 0.0, real = 0, padded = 0
                for i in 0..<g.kernelHeight {
                    let row = top + i * g.dilationHeight
                    for j in 0..<g.kernelWidth {
                        let col = left + j * g.dilationWidth
                        // Explicit padding counts for count_include_pad; ceil-mode overhang never does.
                        if row < g.inHeight + g.padBottom && col < g.inWidth + g.padRight { padded += 1 }
                        guard row >= 0 && row < g.inHeight && col >= 0 && col < g.inWidth else { continue }
                        let value = input.data[planeBase + row * g.inWidth + col]
                        maximum = max(maximum, value)
                        sum += Double(value)
                        real += 1
                    }
                }
                let result: Float = switch kind {
                case .max: maximum
                case .average(countIncludePad: true): Float(sum / Double(padded))
                case .average(countIncludePad: false): real == 0 ? 0 : Float(sum / Double(real))
                }
                out.data[(plane * outH + y) * outW + x] = result
            }
        }
    }
}

/// Reference ONNX `GlobalAveragePool`: the mean over H and W, in Double. O(N·C·H·W).
///
/// - Parameters:
///   - out: overwritten with shape (N, C, 1, 1).
///   - input: (N, C, H, W).
public func globalAveragePoolNaive(_ out: inout Tensor, _ input: Tensor) {
    precondition(input.rank == 4, "GlobalAveragePool expects (N, C, H, W), got \(input.shape)")
    let (batch, channels, area) = (input.shape[0], input.shape[1], input.shape[2] * input.shape[3])
    out = Tensor(shape: [batch, channels, 1, 1])  // out is (N, C, 1, 1)
    for plane in 0..<(batch * channels) {
        var sum = 0.0
        for index in (plane * area)..<((plane + 1) * area) { sum += Double(input.data[index]) }
        out.data[plane] = Float(sum / Double(area))
    }
}
