import XCTest
@testable import LAPQMath

/// `AxisQuantizer`: per-channel fake quantization is each channel's values through its own
/// `UniformQuantizer`, on the first, a middle and the last axis; the buffer form equals the scalar
/// form, and the code bytes equal the codes.
final class AxisQuantizerTests: XCTestCase {
    func testEveryChannelUsesItsOwnStep() {
        var random = SplitMix64(seed: 41)
        let shape = [3, 4, 5]
        let values = (0..<60).map { _ in Float(random.gaussian()) }
        for axis in 0..<3 {
            let channels = (0..<shape[axis]).map { UniformQuantizer(bits: 3, isSigned: true, stepSize: 0.1 + 0.07 * Float($0)) }
            let quantizer = AxisQuantizer(channels: channels, axis: axis)
            var fast = values, slow = values
            quantizer.fakeQuantize(&fast, shape: shape, vectorized: true)
            quantizer.fakeQuantize(&slow, shape: shape, vectorized: false)
            XCTAssertEqual(fast, slow, "axis \(axis)")
            let codes = quantizer.codes(values, shape: shape)
            XCTAssertEqual(quantizer.encoded(values, shape: shape), codes.map { UInt8(truncatingIfNeeded: $0) }, "axis \(axis)")
            for index in values.indices {
                // Element (i, j, k) at i·20 + j·5 + k: its channel is its index along `axis`.
                let position = [index / 20, (index / 5) % 4, index % 5]
                XCTAssertEqual(quantizer.channelIndex(ofElement: index, shape: shape), position[axis])
                let own = channels[position[axis]]
                XCTAssertEqual(fast[index], own.fakeQuantize(values[index]), "axis \(axis), element \(index)")
                XCTAssertEqual(codes[index], own.code(values[index]), "axis \(axis), element \(index)")
            }
        }
    }

    func testPerTensorIsTheUniformQuantizer() {
        var random = SplitMix64(seed: 42)
        let values = (0..<37).map { _ in Float(random.gaussian()) }
        let uniform = UniformQuantizer(bits: 4, isSigned: true, stepSize: 0.21)
        let quantizer = AxisQuantizer(uniform)
        XCTAssertEqual(quantizer.fakeQuantized(values, shape: [37]), uniform.fakeQuantized(values))
        XCTAssertEqual(quantizer.codes(values, shape: [37]), values.map(uniform.code))
        XCTAssertEqual(quantizer.channel(5), uniform)
    }

    /// Per-channel bias quantizers: element j on channel j mod C, at s_c = Δx · Δw_c.
    func testPerChannelBiasQuantizers() {
        let input = UniformQuantizer(bits: 4, isSigned: false, stepSize: 0.5)
        let weight = AxisQuantizer(channels: [0.25, 0.125].map { UniformQuantizer(bits: 4, isSigned: true, stepSize: $0) }, axis: 0)
        let quantizers = [BiasQuantizer](input: input, weight: weight)
        XCTAssertEqual(quantizers.map(\.scale), [0.125, 0.0625])
        XCTAssertEqual(quantizers.codes([1, 1, 0.3, 0.3]), [8, 16, 2, 5])
        XCTAssertEqual(quantizers.quantized([1, 1, 0.3, 0.3]), [1, 1, 0.25, 0.3125])
    }
}
