import LAPQEngine
import LAPQMath

/// Every shard's answers to one evaluation reduced to the oracle's result, in shard-id order:
/// scores added in Float64 (`reduceInShardOrder`), maxima by their maximum, histograms bin by
/// bin. Whatever order the shards were computed or received in, and however many executors or
/// workers computed them, the result is the same. The answers must fit the work
/// (`ShardAnswer.misfit`); an answer of another kind is a programmer error.
public enum ShardOrderReduction {
    /// Per step vector, the shards' scores added in shard order. O(shards × vectors).
    public static func scores(_ answers: [Int: ShardAnswer], vectorCount: Int) -> [BatchScore] {
        let perShard = answers.mapValues { answer -> [BatchScore] in
            guard case let .scores(scores) = answer, scores.count == vectorCount else {
                preconditionFailure("a score answer per step vector, got \(answer)")
            }
            return scores
        }
        return (0..<vectorCount).map { vector in reduceInShardOrder(perShard.mapValues { $0[vector] }) }
    }

    /// Per plan point, the largest maximum of any shard (from 0). O(shards × points).
    public static func maxima(_ answers: [Int: ShardAnswer], pointCount: Int) -> [Double] {
        answers.keys.sorted().reduce([Double](repeating: 0, count: pointCount)) { total, id in
            guard case let .maxima(values)? = answers[id] else { preconditionFailure("a maxima answer, got \(String(describing: answers[id]))") }
            return ActivationStatistics.merge(maxima: total, values)
        }
    }

    /// The shards' bin counts added onto `empty` (per point: the range and bins, or nil for a
    /// point without a histogram). A bin whose total passes `Int.max` is thrown: a worker's
    /// counts are checked only to be ≥ 0. O(shards × points × bins).
    public static func histograms(_ answers: [Int: ShardAnswer], into empty: [Histogram?]) throws(HistogramCountOverflow) -> [Histogram?] {
        var totals = empty
        for id in answers.keys.sorted() {
            guard case let .histograms(points)? = answers[id] else {
                preconditionFailure("a histograms answer, got \(String(describing: answers[id]))")
            }
            let shard = zip(totals, points).map { total, counts in
                total.flatMap { total in counts.map { Histogram(lowerBound: total.lowerBound, upperBound: total.upperBound, counts: $0) } }
            }
            totals = try ActivationStatistics.merge(histograms: totals, shard)
        }
        return totals
    }
}
