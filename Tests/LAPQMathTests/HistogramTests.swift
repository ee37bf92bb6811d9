import XCTest
@testable import LAPQMath

final class HistogramTests: XCTestCase {
    func testBinsEdgesAndClamping() {
        var histogram = Histogram(lowerBound: 0, upperBound: 4, binCount: 4)
        histogram.add([0, 0.99, 1, 3.99, 4, 7, -2])
        XCTAssertEqual(histogram.counts, [3, 1, 0, 3])
        XCTAssertEqual(histogram.totalCount, 7)
        XCTAssertEqual(histogram.binWidth, 1)
    }

    /// Merging is exact: any split of the data gives the histogram of the whole.
    func testMergeOfShardsEqualsWhole() throws {
        var generator = SplitMix64(seed: 11)
        let values = (0..<5000).map { _ in Float(generator.gaussian()) }
        let maxMagnitude = Double(values.map { abs($0) }.max() ?? 0)
        var whole = Histogram(maxMagnitude: maxMagnitude, isSigned: true, binCount: 2048)
        whole.add(values)
        var merged = Histogram(maxMagnitude: maxMagnitude, isSigned: true, binCount: 2048)
        for shard in stride(from: 0, to: values.count, by: 777) {
            var part = Histogram(maxMagnitude: maxMagnitude, isSigned: true, binCount: 2048)
            part.add(Array(values[shard..<min(shard + 777, values.count)]))
            try merged.merge(part)
        }
        XCTAssertEqual(merged, whole)
        XCTAssertEqual(whole.totalCount, values.count)
    }

    func testRoundTripsThroughCodable() throws {
        var histogram = Histogram(maxMagnitude: 3, isSigned: false, binCount: 8)
        histogram.add([0.5, 1, 2.9])
        let decoded = try JSONDecoder().decode(Histogram.self, from: JSONEncoder().encode(histogram))
        XCTAssertEqual(decoded, histogram)
    }

    /// The integrated bin error equals the exact error of data spread uniformly inside each bin.
    func testIntegratedErrorMatchesDenseSampling() {
        var histogram = Histogram(lowerBound: -2, upperBound: 2, binCount: 8)
        histogram.add([-1.9, -0.3, 0.1, 0.2, 1.2, 1.9])
        var dense: [Float] = []
        for (bin, count) in histogram.counts.enumerated() {
            let left = histogram.lowerBound + Double(bin) * histogram.binWidth
            for _ in 0..<count {
                for step in 0..<20_000 {
                    dense.append(Float(left + (Double(step) + 0.5) / 20_000 * histogram.binWidth))
                }
            }
        }
        let exact = ExactLpErrorSource(values: dense)
        for (bits, clip, p) in [(2, 1.3, 2.0), (3, 0.7, 3.0), (8, 1.9, 2.5), (8, 0.05, 4.0)] {
            let fromHistogram = histogram.meanLpError(clipValue: clip, bits: bits, isSigned: true, p: p)
            let fromSamples = exact.meanLpError(clipValue: clip, bits: bits, isSigned: true, p: p)
            XCTAssertEqual(fromHistogram, fromSamples, accuracy: 1e-3 * fromSamples, "bits \(bits) clip \(clip)")
        }
    }
}
