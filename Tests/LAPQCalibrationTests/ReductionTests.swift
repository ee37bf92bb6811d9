import LAPQEngine
import LAPQMath
import XCTest
@testable import LAPQCalibration
@testable import LAPQData

final class ReductionTests: XCTestCase {
    /// Floating-point addition is not associative; reducing in shard order makes the total
    /// independent of the order in which shard results arrived.
    func testReductionIgnoresArrivalOrder() {
        var generator = SplitMix64(seed: 9)
        var scores: [Int: BatchScore] = [:]
        for shard in 0..<50 {
            scores[shard] = BatchScore(lossSum: generator.gaussian() * 1e6 + 1e-3, top1: shard, count: 64)
        }
        let expected = (0..<50).reduce(BatchScore()) { $0 + (scores[$1] ?? BatchScore()) }
        var shuffled: [Int: BatchScore] = [:]
        for shard in (0..<50).shuffled(using: &generator) { shuffled[shard] = scores[shard] }
        XCTAssertEqual(reduceInShardOrder(shuffled), expected)
    }
}
