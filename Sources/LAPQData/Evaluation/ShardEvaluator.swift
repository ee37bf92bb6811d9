import LAPQEngine
import LAPQMath

/// One executor over shards of a calibration set: the per-shard loop that the local oracle's
/// executors, a cluster worker's jobs and `lapq-coord evaluate --dump` all run, so a shard's
/// answer is computed by the same code wherever it is computed — which is what keeps a
/// worker's partial sums bit-identical to the local oracle's.
///
/// Not thread-safe (its executor is not); `shards` may be shared with other evaluators.
public struct ShardEvaluator {
    public let executor: Executor
    public let shards: any CalibrationShards

    public init(executor: Executor, shards: any CalibrationShards) {
        self.executor = executor
        self.shards = shards
    }

    /// The answer of every shard in `ids` to `work`. Scores are computed vector by vector,
    /// each over every shard, so a vector's step sizes are set once and the executor's prefix
    /// cache (keyed by shard id) serves consecutive vectors. `progress` runs after each shard;
    /// what it throws stops the work there (a cancelled job). O(vectors × shards) forward passes.
    public func answers(to work: EvaluationWork, shardIDs ids: [Int], progress: () throws -> Void = {}) throws -> [Int: ShardAnswer] {
        switch work {
        case let .scores(vectors):
            var scores: [Int: [BatchScore]] = [:]
            for vector in vectors {
                try executor.setStepSizes(vector.steps)
                let perShard = try forEachShard(ids, progress: progress) { id, shard in
                    try executor.evaluate(shard.input, labels: shard.labels, cacheKey: id)
                }
                for (id, score) in perShard { scores[id, default: []].append(score) }
            }
            return scores.mapValues { .scores($0) }
        case .maxima:
            return try forEachShard(ids, progress: progress) { _, shard in
                .maxima(try ActivationStatistics.maxima(of: shard.input, executor: executor))
            }
        case let .histograms(binCount, maxima):
            return try forEachShard(ids, progress: progress) { _, shard in
                let histograms = try ActivationStatistics.histograms(of: shard.input, maxima: maxima, binCount: binCount, executor: executor)
                return .histograms(histograms.map { $0?.counts })
            }
        }
    }

    /// `body` on each shard of `ids` in order, loaded from `shards`; `progress` after each.
    public func forEachShard<Value>(_ ids: [Int], progress: () throws -> Void = {},
                                    _ body: (Int, (input: Tensor, labels: [Int])) throws -> Value) throws -> [Int: Value] {
        var values: [Int: Value] = [:]
        for id in ids {
            values[id] = try body(id, try shards.loadShard(id))
            try progress()
        }
        return values
    }
}
