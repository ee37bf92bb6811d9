/// How images are stored in their .npy array (docs/formats.md).
public enum ImageLayout: String, Sendable, Codable, CaseIterable {
    /// Decoded pixels, `uint8` `(N, H, W, C)`.
    case nhwcUInt8 = "NHWC-uint8"
    /// Already transformed tensors, `float32` `(N, C, H, W)`.
    case nchwFloat32 = "NCHW-float32"

    /// The element type the array must have.
    public var dtype: NPYDType { self == .nhwcUInt8 ? .uint8 : .float32 }

    /// The layout of a 4-D array of `dtype`, or nil when calibration data cannot be stored so.
    public init?(dtype: NPYDType) {
        switch dtype {
        case .uint8: self = .nhwcUInt8
        case .float32: self = .nchwFloat32
        case .int32, .int64: return nil
        }
    }

    /// Throws `nonFiniteImage` for the first stored sample holding NaN or ±∞ — nothing a network
    /// computes from it would mean anything, and ±∞ breaks the histograms' ranges. A uint8 image
    /// is always finite. `samples` are the set indices of the samples in `bytes`, from `source`.
    /// O(bytes), on the stored bytes without decoding them: it runs on every shard load.
    public func requireFinite(stored bytes: [UInt8], samples: Range<Int>, source: String) throws {
        guard self == .nchwFloat32, !samples.isEmpty else { return }
        // A little-endian float32 is NaN or ±∞ exactly when its 8 exponent bits are all ones:
        // the low 7 bits of its last byte and the top bit of the one before.
        let count = bytes.count / 4
        guard let index = (0..<count).first(where: { bytes[4 * $0 + 3] & 0x7F == 0x7F && bytes[4 * $0 + 2] & 0x80 != 0 }) else {
            return
        }
        let value = NPYFile.decode(Array(bytes[(4 * index)..<(4 * index + 4)]), as: Float.self)[0]
        throw CalibrationDataError.nonFiniteImage(source: source, sample: samples.lowerBound + index / (count / samples.count),
                                                  value: value)
    }

    /// One sample's network-input shape `[C, H, W]`, from the stored 4-D `shape`.
    public func sampleShape(stored shape: [Int]) -> [Int] {
        precondition(shape.count == 4, "calibration images are 4-D, got \(shape)")
        return self == .nhwcUInt8 ? [shape[3], shape[1], shape[2]] : Array(shape[1...])
    }
}
