/// Turns a stored sample into the network's input (docs/formats.md):
///
///     x[n, c, h, w] = (v · scale − mean[c]) / std[c]
///
/// where v is the stored value (uint8 NHWC or float32 NCHW), computed in Float64 and rounded
/// once to Float32, so the result equals numpy's `((v.astype(float64) * scale - mean) / std)
/// .astype(float32)` exactly. `mean` and `std` hold one entry per channel, or one for all.
public struct Preprocessing: Sendable, Equatable, Codable {
    public var scale: Double
    public var mean: [Double]
    public var std: [Double]

    public init(scale: Double = 1, mean: [Double] = [0], std: [Double] = [1]) {
        self.scale = scale
        self.mean = mean
        self.std = std
    }

    /// Scale 1, mean 0, std 1: the stored values are the network input.
    public static let identity = Preprocessing()

    /// Missing keys take the identity's values, so a manifest may omit any of them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scale = try container.decodeIfPresent(Double.self, forKey: .scale) ?? 1
        mean = try container.decodeIfPresent([Double].self, forKey: .mean) ?? [0]
        std = try container.decodeIfPresent([Double].self, forKey: .std) ?? [1]
    }

    /// NCHW float32 input of `bytes`, samples stored uint8 NHWC with `sampleShape` `[C, H, W]`.
    /// Each channel maps its 256 possible values through a table computed once.
    public func input(fromNHWC bytes: [UInt8], sampleShape: [Int]) -> [Float] {
        let (channels, plane) = dimensions(sampleShape, elementCount: bytes.count)
        let tables = (0..<channels).map { channel in (0..<256).map { transform(Double($0), channel: channel) } }
        var output = [Float](repeating: 0, count: bytes.count)
        output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { stored in
                // stored is (N, H·W, C), out is (N, C, H·W)
                for sample in 0..<(bytes.count / (channels * plane)) {
                    let base = sample * channels * plane
                    for channel in 0..<channels {
                        let table = tables[channel]
                        for pixel in 0..<plane {
                            out[base + channel * plane + pixel] = table[Int(stored[base + pixel * channels + channel])]
                        }
                    }
                }
            }
        }
        return output
    }

    /// NCHW float32 input of `values`, samples stored float32 NCHW with `sampleShape` `[C, H, W]`.
    public func input(fromNCHW values: [Float], sampleShape: [Int]) -> [Float] {
        let (channels, plane) = dimensions(sampleShape, elementCount: values.count)
        if self == .identity { return values }
        return values.indices.map { index in
            transform(Double(values[index]), channel: (index / plane) % channels)
        }
    }

    /// mean[c] (or the shared mean): callers have validated that the lengths are 1 or C.
    private func transform(_ value: Double, channel: Int) -> Float {
        let mean = self.mean.count == 1 ? self.mean[0] : self.mean[channel]
        let std = self.std.count == 1 ? self.std[0] : self.std[channel]
        return Float((value * scale - mean) / std)
    }

    private func dimensions(_ sampleShape: [Int], elementCount: Int) -> (channels: Int, plane: Int) {
        precondition(sampleShape.count == 3, "a sample shape is [C, H, W], got \(sampleShape)")
        let channels = sampleShape[0], plane = sampleShape[1] * sampleShape[2]
        precondition(channels * plane > 0 && elementCount % (channels * plane) == 0,
                     "\(elementCount) values are not whole samples of \(sampleShape)")
        precondition([1, channels].contains(mean.count) && [1, channels].contains(std.count),
                     "mean/std lengths \(mean.count)/\(std.count) do not fit \(channels) channels")
        return (channels, plane)
    }
}
