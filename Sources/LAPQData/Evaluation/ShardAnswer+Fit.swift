/// Whether an answer for one shard can serve the work whole.
extension ShardAnswer {
    /// Why the answer cannot be used as it is, or nil when it fits: a score per step vector;
    /// statistics of the kind asked, with one entry per plan point, maxima finite and ≥ 0 (each
    /// becomes a histogram's range), and histograms of the asked bin count (they are merged bin
    /// by bin). The reductions (`LossOracle.evaluate` and the statistics) add, index and merge
    /// what is stored without further checks, so anything else — a bug or a foreign worker —
    /// must stop here.
    public func misfit(for work: EvaluationWork, pointCount: Int) -> String? {
        switch (work, self) {
        case let (.scores(vectors), .scores(scores)):
            return scores.count == vectors.count ? nil : "answered \(scores.count) scores for \(vectors.count) vectors"
        case let (.maxima, .maxima(maxima)):
            guard maxima.count == pointCount else { return "answered \(maxima.count) maxima for \(pointCount) points" }
            return maxima.allSatisfy { $0.isFinite && $0 >= 0 } ? nil : "answered maxima that are not finite and ≥ 0"
        case let (.histograms(binCount, _), .histograms(points)):
            guard points.count == pointCount else { return "answered \(points.count) histograms for \(pointCount) points" }
            let bins = points.compactMap { $0?.count }
            return bins.allSatisfy { $0 == binCount } ? nil : "answered histograms of \(Set(bins).sorted()) bins for \(binCount)"
        default:
            return "answered another kind of result than asked"
        }
    }
}
