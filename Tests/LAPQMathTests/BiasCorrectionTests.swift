import XCTest
@testable import LAPQMath

final class BiasCorrectionTests: XCTestCase {
    private func weights(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(generator.gaussian()) * 0.1 }
    }

    /// After correction every output channel has its float mean again, whichever axis it is.
    func testChannelMeansMatchAfterCorrection() {
        for (shape, axis) in [([8, 3, 3, 3], 0), ([27, 8], 1), ([8, 27], 0), ([2, 8, 5], 1)] {
            let original = weights(shape.reduce(1, *), seed: 3)
            let quantizer = UniformQuantizer(bits: 3, isSigned: true, clipValue: 0.15)
            var quantized = quantizer.fakeQuantized(original)
            XCTAssertTrue(channelMeanShift(quantized: quantized, original: original, shape: shape, channelAxis: axis)
                .contains { abs($0) > 1e-3 }, "quantization should shift some channel mean (\(shape))")
            correctBias(quantized: &quantized, original: original, shape: shape, channelAxis: axis)
            let shifts = channelMeanShift(quantized: quantized, original: original, shape: shape, channelAxis: axis)
            XCTAssertEqual(shifts.count, shape[axis])
            for shift in shifts { XCTAssertEqual(shift, 0, accuracy: 1e-7, "\(shape) axis \(axis)") }
        }
    }

    /// The trailing-axis form equals the leading-axis form on the transposed matrix.
    func testTrailingAxisMatchesTransposedLeadingAxis() {
        let (rows, columns) = (6, 4)
        let original = weights(rows * columns, seed: 9)
        let quantized = UniformQuantizer(bits: 2, isSigned: true, clipValue: 0.12).fakeQuantized(original)
        let transpose = { (values: [Float]) in (0..<(rows * columns)).map { values[($0 % rows) * columns + $0 / rows] } }
        let byColumn = channelMeanShift(quantized: quantized, original: original, shape: [rows, columns], channelAxis: 1)
        let byTransposedRow = channelMeanShift(quantized: transpose(quantized), original: transpose(original),
                                               shape: [columns, rows], channelAxis: 0)
        XCTAssertEqual(byColumn, byTransposedRow)
    }

    /// Hand-computed: channel 0 of [[1, 3], [2, 2]] shifted by mean(1, 3) − mean(0, 2) = 1.
    func testShiftIsMeanDifference() {
        let shifts = channelMeanShift(quantized: [1, 3, 2, 2], original: [0, 2, 2, 3], shape: [2, 2], channelAxis: 0)
        XCTAssertEqual(shifts, [1, -0.5])
    }
}
