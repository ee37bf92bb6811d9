import XCTest
@testable import LAPQMath

final class BiasCorrectionTests: XCTestCase {
    func testChannelMeansMatchAfterCorrection() {
        var generator = SplitMix64(seed: 3)
        let original = (0..<(8 * 27)).map { _ in Float(generator.gaussian()) * 0.1 }
        let quantizer = UniformQuantizer(bits: 3, isSigned: true, clipValue: 0.15)
        var quantized = quantizer.fakeQuantized(original)
        XCTAssertTrue(channelMeanShift(quantized: quantized, original: original, outputChannels: 8)
            .contains { abs($0) > 1e-3 }, "quantization should shift some channel mean")
        correctBias(quantized: &quantized, original: original, outputChannels: 8)
        for shift in channelMeanShift(quantized: quantized, original: original, outputChannels: 8) {
            XCTAssertEqual(shift, 0, accuracy: 1e-7)
        }
    }
}
