import XCTest
import LAPQKernels
import LAPQMath

/// `fakeQuantizeFast` reproduces `UniformQuantizer`'s fake-quant bit for bit.
final class FastFakeQuantizeTests: XCTestCase {
    /// Values around every code: exact ties (k + ½)·Δ, ±0, tiny values of both signs, values
    /// beyond the clip, and random ones.
    private func probes(stepSize: Float, _ generator: inout SeededGenerator) -> [Float] {
        var values: [Float] = [0, -0, 1e-30, -1e-30, 1e9, -1e9, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
        for code in -300...300 {
            let tie = (Float(code) + 0.5) * stepSize
            values += [tie, tie.nextUp, tie.nextDown, Float(code) * stepSize]
        }
        values += (0..<5000).map { _ in Float.random(in: -300..<300, using: &generator) * stepSize }
        values += (0..<999).map { _ in Float.random(in: -2..<2, using: &generator) * stepSize }
        return values
    }

    func testMatchesUniformQuantizerBitForBit() {
        var generator = SeededGenerator(seed: 7)
        for bits in [2, 4, 8] {
            for isSigned in [true, false] {
                for stepSize: Float in [0.1, 0.037, 1.0 / 3, 2.5, 1e-4] {
                    let quantizer = UniformQuantizer(bits: bits, isSigned: isSigned, stepSize: stepSize)
                    let input = probes(stepSize: stepSize, &generator)
                    let expected = quantizer.fakeQuantized(input)
                    var actual = [Float](repeating: .nan, count: input.count)
                    actual.withUnsafeMutableBufferPointer { out in
                        input.withUnsafeBufferPointer { fakeQuantizeFast(out, $0, quantizer) }
                    }
                    let mismatches = zip(actual, expected).filter { $0.bitPattern != $1.bitPattern }
                    XCTAssertTrue(mismatches.isEmpty, "bits \(bits) signed \(isSigned) Δ \(stepSize): \(mismatches.prefix(5))")
                    for (value, result) in zip(input, actual) where result != quantizer.fakeQuantize(value) {
                        XCTFail("scalar form differs at \(value): \(result) vs \(quantizer.fakeQuantize(value))")
                        break
                    }
                }
            }
        }
    }

    func testInPlaceAndIdentity() {
        var generator = SeededGenerator(seed: 8)
        let input = (0..<37).map { _ in Float.random(in: -3..<3, using: &generator) }
        let quantizer = UniformQuantizer(bits: 4, isSigned: true, stepSize: 0.25)
        var inPlace = input
        inPlace.withUnsafeMutableBufferPointer { fakeQuantizeFast($0, UnsafeBufferPointer($0), quantizer) }
        XCTAssertEqual(inPlace, quantizer.fakeQuantized(input))
        var copied = [Float](repeating: 0, count: input.count)
        copied.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { fakeQuantizeFast(out, $0, UniformQuantizer(bits: 32, isSigned: true, stepSize: 1)) }
        }
        XCTAssertEqual(copied, input)
    }
}
