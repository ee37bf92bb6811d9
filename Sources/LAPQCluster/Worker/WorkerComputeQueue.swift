import Dispatch
import Foundation
import LAPQData
import LAPQEngine
import LAPQMath
import Synchronization

/// Owns the worker's `WorkerCompute` on one serial queue (the executor is not thread-safe):
/// stores the model and shards the coordinator sends, runs jobs, reports back by callbacks.
final class WorkerComputeQueue: @unchecked Sendable {
    private let queue = DispatchQueue(label: "lapq.worker.compute")
    private let threads: Int?
    private let prefixCacheBytes: Int
    private let shardCacheBytes: Int
    /// The shards' stored bytes, on the scratch disk, kept so that a new model (a new run)
    /// can decode them again.
    private let received: ReceivedShards
    private var compute: WorkerCompute?
    /// The job between `run` and its end, and whether it was asked to stop.
    private let running = Mutex<RunningJob?>(nil)
    /// Shards found in `--data-root` manifests, by their manifest SHA-256: read (and verified)
    /// from local disk when a job names them, instead of being sent over the network.
    private let localShards: [SHA256Digest: (store: ShardStore, id: Int)]

    init(threads: Int?, prefixCacheBytes: Int, shardCacheBytes: Int = 4 << 30, dataRoot: URL? = nil,
         scratchDirectory: URL = FileManager.default.temporaryDirectory, log: (String) -> Void = { _ in }) throws {
        self.received = try ReceivedShards(scratchDirectory: scratchDirectory)
        self.threads = threads
        self.prefixCacheBytes = prefixCacheBytes
        self.shardCacheBytes = shardCacheBytes
        self.localShards = dataRoot.map { Self.scan($0, log: log) } ?? [:]
    }

    /// The digests this worker can serve without a LOAD, for its HELLO.
    var localDigests: Set<SHA256Digest> { Set(localShards.keys) }

    /// Every shard of every manifest (*.json) directly inside `directory`; unreadable ones skipped.
    private static func scan(_ directory: URL, log: (String) -> Void) -> [SHA256Digest: (store: ShardStore, id: Int)] {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        var found: [SHA256Digest: (store: ShardStore, id: Int)] = [:]
        for file in files.sorted(by: { $0.path < $1.path }) where file.pathExtension == "json" {
            guard let store = try? ShardStore(manifestAt: file) else { continue }
            for shard in store.manifest.shards {
                if let digest = SHA256Digest(hex: shard.sha256) { found[digest] = (store, shard.id) }
            }
            log("data root: \(store.manifest.shards.count) shards of \(file.lastPathComponent) available locally")
        }
        return found
    }

    /// Brings the job's shards that are not stored under their ids into the compute store, under
    /// the ids the coordinator uses: bytes received under another id, or shards that only exist
    /// locally (verified against the manifest's SHA-256 on the way).
    private func materializeShards(_ job: WorkerJob) throws {
        let held = Set(received.shardIDs)
        for shard in job.shards where !held.contains(shard.id) {
            if received.alias(id: shard.id, sha256: shard.sha256) {
                compute?.shardChanged(shard.id)
                continue
            }
            guard let local = localShards[shard.sha256] else { continue }
            let bytes = try local.store.verifiedBytes(shard: local.id)
            try keep(StoredItem(item: .shard(shard.id), sha256: shard.sha256, bytes: bytes.images + bytes.labels,
                                shardFacts: ShardFacts(store: local.store, shard: local.id)))
        }
    }

    func store(_ item: StoredItem, done: @escaping @Sendable (WorkerStateMachine.Event) -> Void) {
        queue.async {
            do {
                try self.keep(item)
                done(.stored(item.item, item.sha256, fingerprint: item.item == .model ? self.compute?.fingerprint ?? 0 : 0))
            } catch {
                done(.storeFailed(item.item, item.sha256, reason: "\(error)"))
            }
        }
    }

    /// Runs `job` after the items stored before it; `finished` gets its output, or nil when
    /// `cancel(evaluationID:)` stopped it between two batches.
    func run(_ job: WorkerJob, progress: @escaping @Sendable () -> Void,
             finished: @escaping @Sendable (ShardOutcomes<ShardAnswer>?) -> Void) {
        // Marked on the calling (socket) thread, so a cancel that follows at once is not lost.
        running.withLock { $0 = RunningJob(evaluationID: job.evaluationID) }
        queue.async {
            let output = self.output(of: job) {
                if self.running.withLock({ $0?.cancelRequested == true }) { throw JobCancelled() }
                progress()
            }
            let cancelled = self.running.withLock { state in
                defer { state = nil }
                return state?.cancelRequested == true
            }
            finished(cancelled && output.isFailure ? nil : output)
        }
    }

    /// Asks the running job of `evaluationID` to stop at its next batch boundary.
    func cancel(evaluationID: UInt64) {
        running.withLock { state in
            if state?.evaluationID == evaluationID { state?.cancelRequested = true }
        }
    }

    private func keep(_ item: StoredItem) throws {
        switch item.item {
        case .model:
            let package = try ModelPackage(decoding: item.bytes)
            compute = try WorkerCompute(model: package.model, plan: package.plan, threads: threads, prefixCacheBytes: prefixCacheBytes,
                                        shardCacheBytes: shardCacheBytes, shards: received)
        case let .shard(id):
            guard let facts = item.shardFacts else { throw ClusterError.evaluationFailed("shard \(id) came without its facts") }
            try received.insert(id: id, sha256: item.sha256, bytes: item.bytes, facts: facts)
            compute?.shardChanged(id)
        }
    }

    private func output(of job: WorkerJob, progress: () throws -> Void) -> ShardOutcomes<ShardAnswer> {
        let ids = job.shards.map(\.id)
        do {
            try materializeShards(job)
            guard let compute else { throw ClusterError.evaluationFailed("no model loaded") }
            return .completed(try compute.answers(to: job.work, shardIDs: ids, progress: progress))
        } catch {
            let reason = "\(error)"
            return Self.isFaultOfTheInput(error) ? .rejected(shardIDs: ids, reason: reason) : .failed(shardIDs: ids, reason: reason)
        }
    }

    /// Errors that any worker would hit on the same job — the data or the model is at fault
    /// (non-finite values, bytes that do not fit their facts, a request that does not fit the
    /// model) — as opposed to this worker's trouble (a missing item, memory, a kernel failure).
    static func isFaultOfTheInput(_ error: Error) -> Bool {
        switch error {
        case is CalibrationDataError: return true
        case let error as ExecutionError:
            if case .kernel = error { return false }
            return true
        case let error as WorkerError:
            if case .missingShard = error { return false }
            return true
        default: return false
        }
    }
}

private struct RunningJob {
    let evaluationID: UInt64
    var cancelRequested = false
}

/// Thrown from a job's progress callback to stop it between batches.
private struct JobCancelled: Error {}
