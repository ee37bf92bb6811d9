import LAPQEngine
import LAPQMath

/// The cluster oracle's reductions of a statistics evaluation, in shard order. The coordinator
/// stored only answers that fit the request (`ShardAnswer.misfit`), so what is left to check
/// here is what no single answer shows: a sum of bin counts beyond Int.
extension EvaluationResult {
    /// Per plan point, the largest maximum of any shard (from 0).
    public func mergedMaxima(pointCount: Int) throws(ClusterError) -> [Double] {
        try perShardStatistics().reduce([Double](repeating: 0, count: pointCount)) { total, statistics in
            guard case let .maxima(values) = statistics else { return total }
            return ActivationStatistics.merge(maxima: total, values)
        }
    }

    /// The shards' histograms added bin by bin onto `empty` (per point: the range and bins, or
    /// nil for a point without a histogram); a bin whose total does not fit an Int is an error
    /// (a worker's counts are checked only to be ≥ 0).
    public func mergedHistograms(into empty: [Histogram?]) throws(ClusterError) -> [Histogram?] {
        var totals = empty
        for statistics in try perShardStatistics() {
            guard case let .histograms(points) = statistics else { continue }
            for (point, counts) in zip(totals.indices, points) {
                guard let total = totals[point], let counts else { continue }
                precondition(counts.count == total.binCount, "answers are stored only with the asked bin count")
                var sums = total.counts
                for bin in sums.indices {
                    let (sum, overflow) = sums[bin].addingReportingOverflow(counts[bin])
                    guard !overflow else {
                        throw .evaluationFailed("evaluation \(evaluationID): the histogram counts of point \(point) overflow")
                    }
                    sums[bin] = sum
                }
                totals[point] = Histogram(lowerBound: total.lowerBound, upperBound: total.upperBound, counts: sums)
            }
        }
        return totals
    }

    private func perShardStatistics() throws(ClusterError) -> [ShardStatistics] {
        guard case let .statistics(perShard) = values else {
            throw .evaluationFailed("statistics request \(evaluationID) returned scores")
        }
        return perShard.keys.sorted().compactMap { perShard[$0] }
    }
}
