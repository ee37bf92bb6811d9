import Foundation
import LAPQData
import LAPQEngine
import LAPQMath

/// The computing half of `lapq-worker`: the model's executor and the shards it was sent,
/// decoded exactly as a local `ShardStore` decodes them, so its partial sums are bit-identical
/// to the local oracle's for the same shard (docs/protocol.md). No sockets here.
public final class WorkerCompute {
    public let graph: Graph
    public let plan: QuantizationPlan
    private let executor: Executor
    private let received: ReceivedShards
    /// Decoded shards up to a byte budget; the rest are decoded from `received` when used.
    private let decoded: CachedShards

    /// - Parameters:
    ///   - model: the ONNX model and its external-data files as the coordinator sent them.
    ///   - plan: the coordinator's plan settings; the worker builds the same
    ///     `QuantizationPlan`, whose point order the step vectors follow.
    ///   - shardCacheBytes: memory for decoded shards (float input + labels).
    ///   - shards: the received shards, kept across models (a new run's model decodes them
    ///     again); nil makes a store of its own in the temporary directory.
    init(model: ONNXModelFiles, plan settings: PlanSettings, threads: Int?, prefixCacheBytes: Int, shardCacheBytes: Int = 4 << 30,
         shards: ReceivedShards? = nil) throws {
        received = try shards ?? ReceivedShards()
        graph = try model.graph(file: "model from the coordinator")
        plan = QuantizationPlan(graph: graph, settings: settings)
        executor = try Executor(graph: graph, plan: plan, options: .init(threads: threads, prefixCacheBytes: prefixCacheBytes))
        decoded = CachedShards(received, budgetBytes: shardCacheBytes)
        fingerprint = try NumericsFingerprint.of(executor: executor)
    }

    /// This machine's `NumericsFingerprint` for the model, sent with LOADED and HELLO.
    public let fingerprint: UInt64

    public var shardIDs: [Int] { received.shardIDs }

    /// Keeps a shard's stored bytes (images then labels, as hashed in the manifest), decoded when
    /// a job uses it.
    public func storeShard(id: Int, sha256: SHA256Digest, bytes: [UInt8], facts: ShardFacts) throws {
        try received.insert(id: id, sha256: sha256, bytes: bytes, facts: facts)
        shardChanged(id)
    }

    /// Shard `id` of the shared store was (re)placed: its decoded copy and prefixes are stale.
    func shardChanged(_ id: Int) {
        decoded.forget(id)
        executor.clearPrefixCache()
    }

    /// Every listed shard's answer to `work`, computed by the same `ShardEvaluator` as the local
    /// oracle's. `progress` runs after each shard, so heartbeats show a long job is alive; what
    /// it throws stops the job there.
    public func answers(to work: EvaluationWork, shardIDs: [Int], progress: () throws -> Void = {}) throws -> [Int: ShardAnswer] {
        // The maxima come from the coordinator's STATS; one per point is not a decoder's to check.
        if case let .histograms(_, maxima) = work, maxima.count != plan.points.count {
            throw WorkerError.maximaCount(expected: plan.points.count, got: maxima.count)
        }
        return try ShardEvaluator(executor: executor, shards: decoded).answers(to: work, shardIDs: shardIDs, progress: progress)
    }
}

public enum WorkerError: Error, Equatable, CustomStringConvertible {
    case missingShard(id: Int)
    case shardSize(id: Int, expected: Int, got: Int)
    case maximaCount(expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .missingShard(id): return "shard \(id) was never loaded on this worker"
        case let .shardSize(id, expected, got): return "shard \(id): expected \(expected) bytes, got \(got)"
        case let .maximaCount(expected, got): return "a histograms job names \(got) maxima; the model's plan has \(expected) points"
        }
    }
}
