import Foundation
import LAPQData
import LAPQEngine

/// How a job evaluates on this machine: how many executors, their threads and their memory.
/// `calibrate` and `sensitivity` build their `LocalLossOracle`s from it, so both divide the
/// cores and budget memory the same way.
public struct LocalWorkers: Sendable {
    /// Executors run in parallel.
    public var count = 1
    /// oneDNN threads per executor; nil divides the cores among the executors.
    public var threadsEach: Int?
    /// Prefix-reuse memory per executor (0: off).
    public var prefixCacheBytes = 1 << 30
    /// Decoded shards kept in memory (all executors together).
    public var shardCacheBytes = 4 << 30

    public init() {}

    /// The shards of `store`, decoded once and kept within the shard budget; oracles that share
    /// the result share the decoded shards.
    func cachedShards(_ store: ShardStore) -> CachedShards {
        CachedShards(store, budgetBytes: shardCacheBytes)
    }

    /// An oracle of `count` executors for `plan` over `shards`.
    func oracle(graph: Graph, plan: QuantizationPlan, shards: CalibrationShards) throws -> LocalLossOracle {
        let threads = threadsEach ?? max(1, ProcessInfo.processInfo.activeProcessorCount / count)
        return try LocalLossOracle(graph: graph, plan: plan, shards: shards, workers: count, threadsPerWorker: threads,
                                   prefixCacheBytes: prefixCacheBytes)
    }
}
