import XCTest
@testable import LAPQMath

final class BiasQuantizerTests: XCTestCase {
    /// s = Δx·Δw in float32; codes round half to even; b̂ = q·s.
    func testCodesAndValuesOnTheProductGrid() {
        let quantizer = BiasQuantizer(inputStep: 0.5, weightStep: 0.25)
        XCTAssertEqual(quantizer.scale, 0.125)
        XCTAssertEqual([0.0625, 0.1875, -0.0625, -0.1875, 0.3].map(quantizer.code), [0, 2, 0, -2, 2])
        XCTAssertEqual(quantizer.quantize(0.3), 0.25)
        XCTAssertEqual(quantizer.quantized([1, -1]), [1, -1])
    }

    /// Values beyond the int32 range clamp to its ends (the top one the largest float32 below
    /// 2^31) instead of trapping; NaN has no code and becomes 0.
    func testHugeRatiosClampAndNaNIsZero() {
        let quantizer = BiasQuantizer(inputStep: 1e-6, weightStep: 1e-6)
        XCTAssertEqual(quantizer.code(1e6), 2_147_483_520)
        XCTAssertEqual(quantizer.code(-1e6), Int32.min)
        XCTAssertEqual(quantizer.code(.nan), 0)
    }

    /// Seeded values: the error is at most s/2, and the result is always a multiple of s.
    func testErrorIsAtMostHalfAStep() {
        var generator = SplitMix64(seed: 11)
        let quantizer = BiasQuantizer(inputStep: 0.037, weightStep: 0.0041)
        for _ in 0..<1000 {
            let value = Float(generator.gaussian())
            let quantized = quantizer.quantize(value)
            XCTAssertLessThanOrEqual(abs(quantized - value), quantizer.scale / 2 * (1 + 1e-5))
            XCTAssertEqual(quantized, Float(quantizer.code(value)) * quantizer.scale)
        }
    }
}
