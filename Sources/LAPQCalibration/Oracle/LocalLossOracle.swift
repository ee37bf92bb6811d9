import LAPQData
import LAPQEngine
import LAPQMath

/// The `LossOracle` of a single machine: `workers` executors, each owning a fixed subset of the
/// shards (round-robin by position, so every executor's prefix snapshots stay with its
/// shards), each running a `ShardEvaluator` in parallel; the answers are reduced in shard
/// order (`LossOracle.evaluate`), so the result does not depend on the number of workers.
public final class LocalLossOracle: LossOracle {
    public let plan: QuantizationPlan
    private let shards: CalibrationShards
    private let workers: [Worker]

    /// - Parameters:
    ///   - workers: executors run concurrently; each uses `threadsPerWorker` oneDNN threads.
    ///   - prefixCacheBytes: per executor, for prefix reuse across evaluations (0: off).
    public init(graph: Graph, plan: QuantizationPlan, shards: CalibrationShards, workers: Int = 1,
                threadsPerWorker: Int? = nil, prefixCacheBytes: Int = 0) throws {
        precondition(workers >= 1, "at least one worker")
        self.plan = plan
        self.shards = shards
        let ids = shards.shardIDs
        self.workers = try (0..<workers).map { index in
            Worker(executor: try Executor(graph: graph, plan: plan,
                                          options: .init(threads: threadsPerWorker, prefixCacheBytes: prefixCacheBytes)),
                   shardIDs: stride(from: index, to: ids.count, by: workers).map { ids[$0] })
        }
    }

    public func answers(to work: EvaluationWork) throws -> [Int: ShardAnswer] {
        let perWorker = try forEachWorker { worker in
            try ShardEvaluator(executor: worker.executor, shards: self.shards).answers(to: work, shardIDs: worker.shardIDs)
        }
        return perWorker.reduce(into: [:]) { all, answers in all.merge(answers) { first, _ in first } }
    }

    /// Runs `body` once per worker, concurrently, and returns the results in worker order;
    /// rethrows the first worker's error (by worker index) if any failed.
    private func forEachWorker<T>(_ body: (Worker) throws -> T) throws -> [T] {
        // Each task uses only its own worker's executor (executors are not thread-safe);
        // shard loading is thread-safe.
        try concurrentMap(count: workers.count) { try body(workers[$0]) }
    }

    private struct Worker {
        let executor: Executor
        let shardIDs: [Int]
    }
}
