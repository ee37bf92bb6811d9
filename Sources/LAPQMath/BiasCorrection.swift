/// Mean-only bias correction of quantized weights (Banner et al. 2019, "Post training 4-bit
/// quantization of convolutional networks for rapid-deployment", §4; used by LAPQ §4):
///
///     ŵ_c ← ŵ_c − (mean(ŵ_c) − mean(w_c))    for every output channel c
///
/// so each output channel's quantized weights have the same mean as the float ones, which
/// removes the systematic shift quantization adds to that channel's output. The corrected
/// weights are generally off the integer grid.
///
/// `quantized` and `original` hold the same tensor with the output channel as the outermost
/// dimension — (C_out, …) as in ONNX Conv (C_out, C_in/g, kH, kW) or a Gemm weight with
/// transB = 1 — so channel c is the contiguous slice [c·m, (c+1)·m), m = count / outputChannels.
/// Means are accumulated in Double. O(n).
public func correctBias(quantized: inout [Float], original: [Float], outputChannels: Int) {
    let shifts = channelMeanShift(quantized: quantized, original: original, outputChannels: outputChannels)
    let perChannel = original.count / outputChannels
    for (channel, shift) in shifts.enumerated() {
        let meanShift = Float(shift)
        for index in (channel * perChannel)..<((channel + 1) * perChannel) {
            quantized[index] -= meanShift
        }
    }
}

/// The per-channel mean shift mean(ŵ_c) − mean(w_c), accumulated in Double. O(n).
public func channelMeanShift(quantized: [Float], original: [Float], outputChannels: Int) -> [Double] {
    precondition(quantized.count == original.count, "weights differ in size")
    precondition(outputChannels > 0 && original.count % outputChannels == 0,
                 "\(original.count) weights do not split into \(outputChannels) channels")
    let perChannel = original.count / outputChannels
    return (0..<outputChannels).map { channel in
        let range = (channel * perChannel)..<((channel + 1) * perChannel)
        let shift = range.reduce(0.0) { $0 + Double(quantized[$1]) - Double(original[$1]) }
        return perChannel == 0 ? 0 : shift / Double(perChannel)
    }
}
