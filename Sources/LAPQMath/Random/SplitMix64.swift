import RealModule

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seeded generator, so that anything
/// random in lapq — synthetic data, randomized tests — repeats exactly from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller, cosine branch).
    public mutating func gaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * .pi * u2)
    }

    /// A Laplace(0, 1) sample (inverse CDF).
    public mutating func laplace() -> Double {
        let u = Double.random(in: -0.5..<0.5, using: &self)
        let magnitude = -Double.log(1 - 2 * abs(u))
        return u < 0 ? -magnitude : magnitude
    }
}
