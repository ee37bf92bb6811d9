import Dispatch
import Foundation
import LAPQEngine
import LAPQMath

/// Owns the worker's `WorkerCompute` on one serial queue (the executor is not thread-safe):
/// stores the model and shards the coordinator sends, runs jobs, reports back by callbacks.
final class WorkerComputeQueue: @unchecked Sendable {
    private let queue = DispatchQueue(label: "lapq.worker.compute")
    private let threads: Int?
    private let prefixCacheBytes: Int
    /// Raw shards, kept so that a new model (a new run) can decode them again.
    private var shards: [Int: (bytes: [UInt8], facts: ShardFacts)] = [:]
    private var compute: WorkerCompute?

    init(threads: Int?, prefixCacheBytes: Int) {
        self.threads = threads
        self.prefixCacheBytes = prefixCacheBytes
    }

    func store(_ item: StoredItem, done: @escaping @Sendable (WorkerStateMachine.Event) -> Void) {
        queue.async {
            do {
                try self.keep(item)
                done(.stored(item.item, item.sha256))
            } catch {
                done(.storeFailed(item.item, item.sha256, reason: "\(error)"))
            }
        }
    }

    func run(_ job: WorkerJob, progress: @escaping @Sendable () -> Void,
             finished: @escaping @Sendable (WorkerJobOutput) -> Void) {
        queue.async { finished(self.output(of: job, progress: progress)) }
    }

    private func keep(_ item: StoredItem) throws {
        switch item.item {
        case .model:
            let package = try ModelPackage(decoding: item.bytes)
            let fresh = try WorkerCompute(modelBytes: package.onnx, weightBits: package.settings.weightBits,
                                          activationBits: package.settings.activationBits, options: package.planOptions,
                                          threads: threads, prefixCacheBytes: prefixCacheBytes)
            for (id, shard) in shards { try fresh.storeShard(id: id, bytes: shard.bytes, facts: shard.facts) }
            compute = fresh
        case let .shard(id):
            guard let facts = item.shardFacts else { throw ClusterError.evaluationFailed("shard \(id) came without its facts") }
            shards[id] = (item.bytes, facts)
            try compute?.storeShard(id: id, bytes: item.bytes, facts: facts)
        }
    }

    private func output(of job: WorkerJob, progress: () -> Void) -> WorkerJobOutput {
        let ids = job.shards.map(\.id)
        do {
            guard let compute else { throw ClusterError.evaluationFailed("no model loaded") }
            switch job.work {
            case let .evaluate(vectors):
                return .scores(.completed(try compute.evaluate(shardIDs: ids, stepVectors: vectors, progress: progress)))
            case .statistics(.maxima):
                return .statistics(.completed(try compute.maxima(shardIDs: ids).mapValues { .maxima($0) }))
            case let .statistics(.histograms(binCount, maxima)):
                let histograms = try compute.histograms(shardIDs: ids, maxima: maxima, binCount: binCount)
                return .statistics(.completed(histograms.mapValues { .histograms($0.map { $0?.counts }) }))
            }
        } catch {
            let reason = "\(error)"
            return job.work.isEvaluation ? .scores(.failed(shardIDs: ids, reason: reason))
                                         : .statistics(.failed(shardIDs: ids, reason: reason))
        }
    }
}
