/// The quantizer of one whole tensor: a single `UniformQuantizer` (per-tensor), or one per index
/// along an axis (per-channel, e.g. a weight's output channels), all of one bit width and sign:
///
///     x̂[…, c, …] = clamp(round(x / Δ_c), qmin, qmax) · Δ_c
///
/// Values are row-major of a given shape. Along axis a of shape (d_0, …, d_{r−1}) the elements
/// of channel c form `outer` = d_0 ⋯ d_{a−1} contiguous runs of `inner` = d_{a+1} ⋯ d_{r−1}
/// values each; each run is quantized with Δ_c by the buffer kernel (or, in the reference form,
/// the scalar one; the two are bit-identical, see `UniformQuantizer.fakeQuantize(_:into:)`).
public struct AxisQuantizer: Sendable, Hashable {
    /// One quantizer (per-tensor) or one per channel along `axis`.
    public let channels: [UniformQuantizer]
    /// The channel axis; nil for a per-tensor quantizer.
    public let axis: Int?

    /// A per-tensor quantizer.
    public init(_ quantizer: UniformQuantizer) {
        channels = [quantizer]
        axis = nil
    }

    /// One quantizer per index along `axis`; they must share bit width and sign.
    public init(channels: [UniformQuantizer], axis: Int) {
        precondition(!channels.isEmpty, "a per-channel quantizer needs a channel")
        precondition(channels.allSatisfy { $0.bits == channels[0].bits && $0.isSigned == channels[0].isSigned },
                     "the channels of one tensor share bit width and sign")
        self.channels = channels
        self.axis = axis
    }

    /// Whether values stay unchanged (bits == 32).
    public var isIdentity: Bool { channels[0].isIdentity }
    public var isSigned: Bool { channels[0].isSigned }

    /// The quantizer of channel `index` (the only one when per-tensor).
    public func channel(_ index: Int) -> UniformQuantizer { channels[axis == nil ? 0 : index] }

    /// Fake-quantizes `values` (row-major, `shape`) in place; `vectorized` picks the buffer
    /// kernel or the scalar reference. O(n).
    public func fakeQuantize(_ values: inout [Float], shape: [Int], vectorized: Bool) {
        values.withUnsafeMutableBufferPointer { buffer in
            forEachRun(shape: shape, count: buffer.count) { start, count, quantizer in
                let run = UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + count)])
                if vectorized {
                    quantizer.fakeQuantize(run)
                } else {
                    for index in run.indices { run[index] = quantizer.fakeQuantize(run[index]) }
                }
            }
        }
    }

    /// The fake-quantized copy of `values` (the buffer kernel).
    public func fakeQuantized(_ values: [Float], shape: [Int]) -> [Float] {
        var copy = values
        fakeQuantize(&copy, shape: shape, vectorized: true)
        return copy
    }

    /// The integer codes clamp(round(x / Δ_c), qmin, qmax) of `values` (row-major, `shape`), in
    /// the same order. Not for bits == 32. O(n).
    public func codes(_ values: [Float], shape: [Int]) -> [Int] {
        var codes = [Int](repeating: 0, count: values.count)
        forEachRun(shape: shape, count: values.count) { start, count, quantizer in
            for index in start..<(start + count) { codes[index] = quantizer.code(values[index]) }
        }
        return codes
    }

    /// The code bytes of `values` (row-major, `shape`) by the buffer encoder, equal to
    /// `codes` as two's complement bytes when signed (`UniformQuantizer.encode`). Not for
    /// bits == 32. O(n).
    public func encoded(_ values: [Float], shape: [Int]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { input in
            bytes.withUnsafeMutableBufferPointer { output in
                forEachRun(shape: shape, count: input.count) { start, count, quantizer in
                    let range = start..<(start + count)
                    quantizer.encode(UnsafeBufferPointer(rebasing: input[range]),
                                     into: UnsafeMutableBufferPointer(rebasing: output[range]))
                }
            }
        }
        return bytes
    }

    /// The channel of element `index` of a row-major tensor of `shape` (0 when per-tensor).
    public func channelIndex(ofElement index: Int, shape: [Int]) -> Int {
        guard let axis else { return 0 }
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (index / inner) % shape[axis]
    }

    /// Calls `body(start, count, quantizer)` for each contiguous run of one channel, in order.
    private func forEachRun(shape: [Int], count: Int, _ body: (Int, Int, UniformQuantizer) -> Void) {
        guard let axis else {
            body(0, count, channels[0])
            return
        }
        precondition(shape.indices.contains(axis) && shape[axis] == channels.count && shape.reduce(1, *) == count,
                     "\(channels.count) channels along axis \(axis) do not fit shape \(shape)")
        let inner = shape[(axis + 1)...].reduce(1, *)
        guard inner > 0 else { return }
        for run in 0..<(count / inner) { body(run * inner, inner, channels[run % channels.count]) }
    }
}
