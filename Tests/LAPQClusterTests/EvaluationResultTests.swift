import LAPQMath
import XCTest
@testable import LAPQCluster

/// The cluster oracle's reductions of a statistics evaluation, in shard order.
final class EvaluationResultTests: XCTestCase {
    let empty: [Histogram?] = [nil, Histogram(maxMagnitude: 2, isSigned: false, binCount: 2)]

    func testHistogramsAreAddedBinByBinAndMaximaTakeTheLargest() throws {
        let histograms = EvaluationResult(evaluationID: 1, values: .statistics([0: .histograms([nil, [1, 2]]), 1: .histograms([nil, [3, 0]])]))
        XCTAssertEqual(try histograms.mergedHistograms(into: empty), [nil, Histogram(lowerBound: 0, upperBound: 2, counts: [4, 2])])
        let maxima = EvaluationResult(evaluationID: 2, values: .statistics([0: .maxima([1, 5]), 1: .maxima([3, 0])]))
        XCTAssertEqual(try maxima.mergedMaxima(pointCount: 2), [3, 5])
    }

    /// Bin counts are only checked to be ≥ 0 on the wire; forged ones whose sum passes Int.max
    /// are an error, where the oracle's merge (`Histogram.merge`) trapped on them.
    func testHistogramCountsWhoseSumOverflowsAreAnError() {
        let half = Int.max / 2 + 1
        let result = EvaluationResult(evaluationID: 3, values: .statistics([0: .histograms([nil, [half, 0]]), 1: .histograms([nil, [half, 0]])]))
        XCTAssertThrowsError(try result.mergedHistograms(into: empty)) { error in
            guard case ClusterError.evaluationFailed = error else { return XCTFail("\(error)") }
        }
    }

    func testScoresAreNotStatistics() {
        let result = EvaluationResult(evaluationID: 4, values: .scores([:]))
        XCTAssertThrowsError(try result.mergedMaxima(pointCount: 1))
    }
}
