import XCTest
import LAPQKernels

/// SplitMix64: a seeded, repeatable generator so that every test sees the same numbers.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A tensor of `shape` with entries uniform in [−1, 1).
func randomTensor(_ shape: [Int], _ generator: inout SeededGenerator) -> Tensor {
    Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1..<1, using: &generator) })
}

/// Asserts equal shapes and max |actual − expected| ≤ relativeTolerance · max(1, max |expected|).
func assertClose(_ actual: Tensor, _ expected: Tensor, relativeTolerance: Float, _ message: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, message, file: file, line: line)
    guard actual.shape == expected.shape else { return }
    let scale = max(1, expected.data.map(abs).max() ?? 0)
    let worst = zip(actual.data, expected.data).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, relativeTolerance * scale, "\(message): max error \(worst), scale \(scale)",
                             file: file, line: line)
}

/// A tensor of integer values drawn uniformly from `range` (codes for the int8 kernels).
func integerCodes(_ shape: [Int], _ range: ClosedRange<Int>, _ generator: inout SeededGenerator) -> Tensor {
    Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(Int.random(in: range, using: &generator)) })
}
