import LAPQCluster
import LAPQData
import LAPQMath

/// What a completed evaluation must be for the cluster oracle to use it whole: one answer per
/// shard, fitting the request; then the oracle's own reductions (`ShardOrderReduction`) run on
/// it, which may refuse it (a thrown `HistogramCountOverflow`) but must not trap.
enum ProtocolFuzzAnswerCheck {
    static func check(_ result: EvaluationResult, answering request: EvaluationRequest, shards: [Int],
                      pointCount: Int) throws(ProtocolFuzzViolation) {
        guard result.answers.keys.sorted() == shards.sorted() else {
            throw ProtocolFuzzViolation("answers for shards \(result.answers.keys.sorted()), expected \(shards)")
        }
        for answer in result.answers.values {
            if let misfit = answer.misfit(for: request.work, pointCount: pointCount) {
                throw ProtocolFuzzViolation("a \(request.work) request of \(pointCount) points answered with \(answer): \(misfit)")
            }
        }
        switch request.work {
        case let .scores(vectors):
            // The oracle's reduction: Int sums that trap on overflow.
            _ = ShardOrderReduction.scores(result.answers, vectorCount: vectors.count)
        case .maxima:
            _ = ShardOrderReduction.maxima(result.answers, pointCount: pointCount)
        case let .histograms(binCount, maxima):
            // Its refusal (a sum beyond Int) is fine.
            _ = try? ShardOrderReduction.histograms(result.answers, into: maxima.map { Histogram(maxMagnitude: $0, isSigned: false, binCount: binCount) })
        }
    }
}
