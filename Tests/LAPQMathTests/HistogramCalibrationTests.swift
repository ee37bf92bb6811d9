import LAPQMath
import XCTest

/// lapq's percentile and entropy thresholds against the tools that define them
/// (Scripts/goldens/gen-calibrator-goldens.py: onnxruntime's HistogramCollector, NVIDIA ModelOpt's
/// HistogramCalibrator), recomputed from each tool's own histogram of |x|.
final class HistogramCalibrationTests: XCTestCase {
    private struct Golden: Decodable {
        var source: String
        var cases: [Case]
    }

    private struct Case: Decodable {
        var name: String
        var counts: [Int]
        var lower: Double
        var upper: Double
        var threshold: Double
        var percentile: Double?
        var bits: Int?
        var unsigned: Bool?
        var thresholdBin: Int?
    }

    func testPercentileMatchesOnnxruntime() throws {
        let golden = try loadGolden("calibrator-percentile", as: Golden.self)
        XCTAssertGreaterThanOrEqual(golden.cases.count, 5)
        for entry in golden.cases {
            let histogram = Histogram(lowerBound: entry.lower, upperBound: entry.upper, counts: entry.counts)
            let threshold = HistogramCalibration.percentileThreshold(histogram, percentile: try XCTUnwrap(entry.percentile))
            // The tool's edges are float32; lapq's are lower + i·width in Double.
            XCTAssertEqual(threshold, entry.threshold, accuracy: 1e-6 * entry.upper, entry.name)
            XCTAssertLessThan(threshold, entry.upper, "99.999% clips below the max (\(entry.name))")
        }
    }

    func testEntropyMatchesModelOpt() throws {
        let golden = try loadGolden("calibrator-entropy", as: Golden.self)
        XCTAssertGreaterThanOrEqual(golden.cases.count, 20)
        for entry in golden.cases {
            let label = "\(entry.name) \(entry.bits ?? 0) bits \(entry.unsigned == true ? "unsigned" : "signed")"
            let histogram = Histogram(lowerBound: entry.lower, upperBound: entry.upper, counts: entry.counts)
            let bins = HistogramCalibration.entropyQuantizedBins(bits: try XCTUnwrap(entry.bits),
                                                                 isSigned: !(try XCTUnwrap(entry.unsigned)))
            let threshold = HistogramCalibration.entropyThreshold(histogram, quantizedBins: bins)
            XCTAssertEqual(threshold, histogram.edge(try XCTUnwrap(entry.thresholdBin)), label)
            XCTAssertEqual(threshold, entry.threshold, accuracy: 1e-6 * entry.upper, label)
        }
    }

    func testQuantizedBinsFollowTensorRT() {
        XCTAssertEqual(HistogramCalibration.entropyQuantizedBins(bits: 8, isSigned: true), 128)
        XCTAssertEqual(HistogramCalibration.entropyQuantizedBins(bits: 8, isSigned: false), 256)
        XCTAssertEqual(HistogramCalibration.entropyQuantizedBins(bits: 2, isSigned: true), 2)
    }

    /// Folding the doubled signed (or unsigned) histogram gives the direct histogram of |x|.
    func testMagnitudeHistogramEqualsBinningMagnitudes() {
        var random = SplitMix64(seed: 7)
        let values = (0..<20_000).map { _ in Float(Double.random(in: -3..<3, using: &random)) }
        let maximum = Double(values.map(abs).max() ?? 0)
        var direct = Histogram(lowerBound: 0, upperBound: maximum, binCount: 256)
        direct.add(values.map(abs))
        var signed = Histogram(maxMagnitude: maximum, isSigned: true, binCount: 512)
        signed.add(values)
        XCTAssertEqual(signed.magnitudeHistogram(), direct)
        var unsigned = Histogram(maxMagnitude: maximum, isSigned: false, binCount: 512)
        unsigned.add(values.map(abs))
        XCTAssertEqual(unsigned.magnitudeHistogram(), direct)
    }
}
