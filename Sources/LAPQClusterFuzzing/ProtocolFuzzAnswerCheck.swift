import LAPQCluster

/// What a completed evaluation must be for the cluster oracle to use it whole: one answer per
/// shard, of the kind asked, shaped like the request, and summable across shards.
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
        default:
            throw ProtocolFuzzViolation("\(request.work) answered with \(result.values)")
        }
    }

    private static func checkKeys(_ keys: Dictionary<Int, some Any>.Keys, _ shards: [Int]) throws(ProtocolFuzzViolation) {
        guard keys.sorted() == shards.sorted() else { throw ProtocolFuzzViolation("answers for shards \(keys.sorted()), expected \(shards)") }
    }

    /// Every shard answers the asked kind with one entry per point, finite non-negative maxima,
    /// `binCount` bins per histogram, and bin sums that fit an Int.
    private static func check(_ answers: [ShardStatistics], kind: StatsKind, pointCount: Int) throws(ProtocolFuzzViolation) {
        switch kind {
        case .maxima:
            for answer in answers {
                guard case let .maxima(values) = answer, values.count == pointCount, values.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                    throw ProtocolFuzzViolation("a maxima request of \(pointCount) points answered with \(answer)")
                }
            }
        case let .histograms(binCount, _):
            var totals = [[Int]?](repeating: nil, count: pointCount)
            for answer in answers {
                guard case let .histograms(points) = answer, points.count == pointCount else {
                    throw ProtocolFuzzViolation("a histograms request of \(pointCount) points answered with \(answer)")
                }
                for (point, counts) in points.enumerated() {
                    guard let counts else { continue }
                    guard counts.count == binCount else { throw ProtocolFuzzViolation("\(counts.count) bins, \(binCount) asked") }
                    totals[point] = try add(totals[point] ?? Array(repeating: 0, count: binCount), counts)
                }
            }
        }
    }

    private static func add(_ total: [Int], _ counts: [Int]) throws(ProtocolFuzzViolation) -> [Int] {
        var sum = total
        for index in sum.indices {
            let (value, overflow) = sum[index].addingReportingOverflow(counts[index])
            guard !overflow else { throw ProtocolFuzzViolation("bin counts \(total[index]) + \(counts[index]) overflow") }
            sum[index] = value
        }
        return sum
    }
}
