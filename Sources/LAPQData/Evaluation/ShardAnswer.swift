import LAPQEngine

/// One shard's answer to an `EvaluationWork`, as the local oracle's executors, a worker's job,
/// the RESULT and STATS-RESULT messages and the coordinator's bookkeeping all hold it.
public enum ShardAnswer: Equatable, Sendable {
    /// One score per step vector, in the work's order.
    case scores([BatchScore])
    /// Per plan point, max |x| over the shard.
    case maxima([Double])
    /// Per plan point, the bin counts, or nil for a point without a histogram.
    case histograms([[Int]?])
}
