import LAPQData
import LAPQMath
import XCTest

/// The oracles' reductions of a statistics evaluation, in shard order.
final class ShardOrderReductionTests: XCTestCase {
    let empty: [Histogram?] = [nil, Histogram(maxMagnitude: 2, isSigned: false, binCount: 2)]

    func testHistogramsAreAddedBinByBinAndMaximaTakeTheLargest() throws {
        let histograms: [Int: ShardAnswer] = [0: .histograms([nil, [1, 2]]), 1: .histograms([nil, [3, 0]])]
        XCTAssertEqual(try ShardOrderReduction.histograms(histograms, into: empty), [nil, Histogram(lowerBound: 0, upperBound: 2, counts: [4, 2])])
        let maxima: [Int: ShardAnswer] = [0: .maxima([1, 5]), 1: .maxima([3, 0])]
        XCTAssertEqual(ShardOrderReduction.maxima(maxima, pointCount: 2), [3, 5])
    }

    /// Bin counts are only checked to be ≥ 0 on the wire; forged ones whose sum passes Int.max
    /// are an error naming the point, where `Histogram.merge` once trapped on them.
    func testHistogramCountsWhoseSumOverflowsAreAnError() {
        let half = Int.max / 2 + 1
        let answers: [Int: ShardAnswer] = [0: .histograms([nil, [half, 0]]), 1: .histograms([nil, [half, 0]])]
        XCTAssertThrowsError(try ShardOrderReduction.histograms(answers, into: empty)) { error in
            XCTAssertEqual(error as? HistogramCountOverflow, HistogramCountOverflow(bin: 0, point: 1))
        }
    }
}
