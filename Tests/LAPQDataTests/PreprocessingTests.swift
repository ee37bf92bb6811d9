import XCTest
@testable import LAPQData

/// x[n, c, h, w] = (v · scale − mean[c]) / std[c], with the stored layout converted to NCHW.
final class PreprocessingTests: XCTestCase {
    func testUInt8NHWCBecomesNormalizedNCHW() {
        // One sample, H = 1, W = 2, C = 3: pixels (10, 20, 30) and (40, 50, 60).
        let stored: [UInt8] = [10, 20, 30, 40, 50, 60]
        let preprocessing = Preprocessing(scale: 0.5, mean: [1, 2, 3], std: [2, 4, 8])
        let expected: [Float] = [(5 - 1) / 2, (20 - 1) / 2, (10 - 2) / 4, (25 - 2) / 4, (15 - 3) / 8, (30 - 3) / 8]
        XCTAssertEqual(preprocessing.input(fromNHWC: stored, sampleShape: [3, 1, 2]), expected)
    }

    func testSharedMeanAndStdApplyToEveryChannel() {
        let stored: [UInt8] = [0, 255, 128, 64]
        let preprocessing = Preprocessing(scale: 1, mean: [128], std: [64])
        XCTAssertEqual(preprocessing.input(fromNHWC: stored, sampleShape: [2, 1, 1]), [-2, (255 - 128) / 64.0, 0, -1])
    }

    func testFloatNCHWKeepsLayoutAndUsesChannelStatistics() {
        // Two samples, C = 2, H·W = 2.
        let stored: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        let preprocessing = Preprocessing(scale: 2, mean: [0, 1], std: [1, 0.5])
        XCTAssertEqual(preprocessing.input(fromNCHW: stored, sampleShape: [2, 1, 2]), [2, 4, 10, 14, 10, 12, 26, 30])
    }

    func testIdentityLeavesFloatsUnchanged() {
        let stored: [Float] = [-1.5, 0, 3.25e-7, 1e30]
        XCTAssertEqual(Preprocessing.identity.input(fromNCHW: stored, sampleShape: [1, 2, 2]), stored)
    }
}
