package import CQuantizeSIMD

/// The instruction set of `UniformQuantizer`'s buffer loops (`encode`, `fakeQuantize`) and of
/// LAPQEngine's `OutputCorrection` (bias correction's code sums and subtraction on int8 layers):
/// Swift's portable 8-lane form (SSE on baseline x86-64), or C loops for AVX2 and AVX-512
/// (Sources/CQuantizeSIMD). All give the same bits; the wider ones are faster. Encoding an int8
/// layer's input was a fifth of a CIFAR ResNet-20 W4/A4 pass in the portable form
/// (docs/benchmarks.md, "Where a W4/A4 pass spends its time").
public enum QuantizerISA: Int, CaseIterable, Comparable, Sendable {
    case portable
    case avx2
    case avx512

    /// The widest this CPU runs, capped like oneDNN by `ONEDNN_MAX_CPU_ISA` (AVX512… allows
    /// AVX-512, AVX2 AVX2, any other value neither), read once per process.
    public static let host: QuantizerISA = QuantizerISA(rawValue: Int(lapq_simd_host_level().rawValue)) ?? .portable

    /// Every level this host can run, for tests that hold them together.
    public static var available: [QuantizerISA] { allCases.filter { $0 <= host } }

    public static func < (lhs: QuantizerISA, rhs: QuantizerISA) -> Bool { lhs.rawValue < rhs.rawValue }

    package var level: lapq_simd_level {
        switch self {
        case .portable: LAPQ_SIMD_NONE
        case .avx2: LAPQ_SIMD_AVX2
        case .avx512: LAPQ_SIMD_AVX512
        }
    }
}
