import LAPQData
import LAPQEngine

/// Milliseconds on a monotonic clock the socket loop reads; the state machines never read a
/// clock, so a test can replay any timing.
public typealias Milliseconds = UInt64

/// A job as the worker's compute side runs it: everything needed to score or measure the
/// listed shards and to address the answer.
public struct WorkerJob: Equatable, Sendable {
    /// The run the job came from; its answer goes only to that run.
    public var runID: UInt64
    public var evaluationID: UInt64
    public var attempt: UInt16
    public var stepHash: UInt64
    public var shards: [JobShard]
    public var work: EvaluationWork

    public init(runID: UInt64, evaluationID: UInt64, attempt: UInt16, stepHash: UInt64, shards: [JobShard], work: EvaluationWork) {
        self.runID = runID
        self.evaluationID = evaluationID
        self.attempt = attempt
        self.stepHash = stepHash
        self.shards = shards
        self.work = work
    }
}

/// An assembled, SHA-256-verified item for the loop to keep (cache by `sha256`), after which
/// it reports `.stored` or `.storeFailed`.
public struct StoredItem: Equatable, Sendable {
    public var item: LoadItem
    public var sha256: SHA256Digest
    public var bytes: [UInt8]
    /// For a shard: how to turn `bytes` into network input (keep it with the bytes).
    public var shardFacts: ShardFacts?

    public init(item: LoadItem, sha256: SHA256Digest, bytes: [UInt8], shardFacts: ShardFacts?) {
        self.item = item
        self.sha256 = sha256
        self.bytes = bytes
        self.shardFacts = shardFacts
    }
}

/// Frames the worker dropped, by reason (docs/protocol.md, "Counters").
public struct WorkerCounters: Equatable, Sendable {
    /// Frames that did not decode.
    public var malformed = 0
    /// Messages of a run other than the one the worker registered with.
    public var foreignRun = 0
    /// Jobs and answers of a cancelled evaluation.
    public var cancelledEvaluation = 0
    /// Running jobs that stopped early because their evaluation was cancelled or superseded.
    public var cancelledJobs = 0
    /// Well-formed messages that make no sense in the current state (e.g. a JOB before WELCOME).
    public var unexpected = 0
    /// Items whose chunks did not assemble or whose SHA-256 did not match.
    public var failedLoads = 0

    public init() {}
}

/// One item being assembled from LOAD chunks.
struct ItemAssembly {
    var sha256: SHA256Digest
    var totalSize: UInt64
    var shardFacts: ShardFacts?
    var bytes: [UInt8]

    /// Whether `chunk` continues this assembly (same item identity, next offset).
    func accepts(_ chunk: LoadChunk) -> Bool {
        chunk.sha256 == sha256 && chunk.totalSize == totalSize && chunk.shardFacts == shardFacts
            && chunk.offset == UInt64(bytes.count)
    }
}
