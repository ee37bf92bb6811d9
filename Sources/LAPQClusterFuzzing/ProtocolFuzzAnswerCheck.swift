import LAPQCluster
import LAPQData
import LAPQMath

/// What a completed evaluation must be for the cluster oracle to use it whole: one answer per
/// shard, of the kind asked and shaped like the request; then the oracle's own reductions run
/// on it, which may refuse it (a thrown `ClusterError`) but must not trap.
enum ProtocolFuzzAnswerCheck {
    static func check(_ result: EvaluationResult, answering request: EvaluationRequest, shards: [Int],
                      pointCount: Int) throws(ProtocolFuzzViolation) {
        switch (request.work, result.values) {
        case let (.evaluate(vectors), .scores(perShard)):
            try checkKeys(perShard.keys, shards)
            guard perShard.values.allSatisfy({ $0.count == vectors.count }) else {
                throw ProtocolFuzzViolation("scores per shard \(perShard.mapValues(\.count)) for \(vectors.count) vectors")
            }
            // The oracle's reduction: Int sums that trap on overflow.
            guard result.reducedScores()?.count == vectors.count else { throw ProtocolFuzzViolation("reduced scores missing") }
        case let (.statistics(kind), .statistics(perShard)):
            try checkKeys(perShard.keys, shards)
            try check(perShard.keys.sorted().compactMap { perShard[$0] }, kind: kind, pointCount: pointCount)
            try reduce(result, kind: kind, pointCount: pointCount)
        default:
            throw ProtocolFuzzViolation("\(request.work) answered with \(result.values)")
        }
    }

    private static func checkKeys(_ keys: Dictionary<Int, some Any>.Keys, _ shards: [Int]) throws(ProtocolFuzzViolation) {
        guard keys.sorted() == shards.sorted() else { throw ProtocolFuzzViolation("answers for shards \(keys.sorted()), expected \(shards)") }
    }

    /// Every shard answers the asked kind with one entry per point, finite non-negative maxima
    /// and `binCount` bins per histogram.
    private static func check(_ answers: [ShardStatistics], kind: StatsKind, pointCount: Int) throws(ProtocolFuzzViolation) {
        for answer in answers {
            switch (kind, answer) {
            case let (.maxima, .maxima(values)) where values.count == pointCount && values.allSatisfy({ $0.isFinite && $0 >= 0 }):
                continue
            case let (.histograms(binCount, _), .histograms(points))
                where points.count == pointCount && points.allSatisfy({ $0 == nil || $0?.count == binCount }):
                continue
            default:
                throw ProtocolFuzzViolation("a \(kind) request of \(pointCount) points answered with \(answer)")
            }
        }
    }

    /// `ClusterLossOracle`'s merge of the answers; its refusal (a sum beyond Int) is fine.
    private static func reduce(_ result: EvaluationResult, kind: StatsKind, pointCount: Int) throws(ProtocolFuzzViolation) {
        do {
            switch kind {
            case .maxima:
                _ = try result.mergedMaxima(pointCount: pointCount)
            case let .histograms(binCount, maxima):
                _ = try result.mergedHistograms(into: maxima.map { Histogram(maxMagnitude: $0, isSigned: false, binCount: binCount) })
            }
        } catch .evaluationFailed {
            return
        } catch {
            throw ProtocolFuzzViolation("merging the statistics failed with \(error)")
        }
    }
}
