/// Mean-only bias correction of quantized weights (Banner et al. 2019, "Post training 4-bit
/// quantization of convolutional networks for rapid-deployment", §4; used by LAPQ §4):
///
///     ŵ_c ← ŵ_c − (mean(ŵ_c) − mean(w_c))    for every output channel c
///
/// so each output channel's quantized weights have the same mean as the float ones, which
/// removes the systematic shift quantization adds to that channel's output. The corrected
/// weights are generally off the integer grid.
///
/// `quantized` and `original` hold the same tensor of `shape` (row-major); the output channel
/// is dimension `channelAxis`: 0 for an ONNX Conv weight (C_out, C_in/g, kH, kW) or a Gemm
/// weight with transB = 1, the last for a MatMul or transB = 0 Gemm weight (K, N).
/// The shift is computed in Double and subtracted as one Float per channel. O(n).
public func correctBias(quantized: inout [Float], original: [Float], shape: [Int], channelAxis: Int) {
    let shifts = channelMeanShift(quantized: quantized, original: original, shape: shape, channelAxis: channelAxis)
    let layout = ChannelLayout(shape: shape, axis: channelAxis)
    let perChannel = shifts.map(Float.init)
    layout.forEachElement { index, channel in quantized[index] -= perChannel[channel] }
}

/// The per-channel mean shift mean(ŵ_c) − mean(w_c) along `channelAxis` of `shape`,
/// accumulated in Double in index order. O(n).
public func channelMeanShift(quantized: [Float], original: [Float], shape: [Int], channelAxis: Int) -> [Double] {
    precondition(quantized.count == original.count, "weights differ in size")
    let layout = ChannelLayout(shape: shape, axis: channelAxis)
    precondition(layout.count == original.count, "shape \(shape) does not hold \(original.count) weights")
    var sums = [Double](repeating: 0, count: layout.channels)
    layout.forEachElement { index, channel in sums[channel] += Double(quantized[index]) - Double(original[index]) }
    let perChannel = layout.channels == 0 ? 0 : layout.count / layout.channels
    return sums.map { perChannel == 0 ? 0 : $0 / Double(perChannel) }
}

/// A row-major tensor seen as (outer, channels, inner) around one axis.
private struct ChannelLayout {
    let outer: Int
    let channels: Int
    let inner: Int

    init(shape: [Int], axis: Int) {
        precondition(shape.indices.contains(axis), "channel axis \(axis) is not a dimension of \(shape)")
        outer = shape[..<axis].reduce(1, *)
        channels = shape[axis]
        inner = shape[(axis + 1)...].reduce(1, *)
    }

    var count: Int { outer * channels * inner }

    /// Calls `body(flatIndex, channel)` for every element, in index order.
    func forEachElement(_ body: (Int, Int) -> Void) {
        var index = 0
        for _ in 0..<outer {
            for channel in 0..<channels {
                for _ in 0..<inner {
                    body(index, channel)
                    index += 1
                }
            }
        }
    }
}
