import LAPQData
import LAPQEngine

/// A worker's ROUTER identity (the frame ZeroMQ puts before each message on the coordinator's side).
public typealias PeerID = [UInt8]

/// One loss or statistics evaluation the coordinator runs over every shard of one data set.
public struct EvaluationRequest: Equatable, Sendable {
    /// Increasing within a run; results carrying another id are dropped.
    public var id: UInt64
    public var work: EvaluationWork
    /// Which of `Configuration.shardSets` it covers (0: the calibration set).
    public var shardSet: Int

    public init(id: UInt64, work: EvaluationWork, shardSet: Int = 0) {
        self.id = id
        self.work = work
        self.shardSet = shardSet
    }

    /// JOB/RESULT header hash: the vectors' `StepVectorHash`, 0 for statistics.
    public var stepHash: UInt64 {
        if case let .scores(vectors) = work { return StepVectorHash.of(vectors) }
        return 0
    }
}

/// Every shard's answer to a complete evaluation, each fitting the request
/// (`ShardAnswer.misfit`); the oracle reduces them in shard order (`ShardOrderReduction`).
public struct EvaluationResult: Equatable, Sendable {
    public var evaluationID: UInt64
    public var answers: [Int: ShardAnswer]

    public init(evaluationID: UInt64, answers: [Int: ShardAnswer]) {
        self.evaluationID = evaluationID
        self.answers = answers
    }
}

/// An evaluation abandoned because one shard failed `attempts` times, or because a worker
/// found that the shard's input cannot be evaluated at all: never a partial loss.
public struct EvaluationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public var evaluationID: UInt64
    public var shardID: Int
    public var attempts: Int
    /// Why each attempt failed, in order.
    public var reasons: [String]
    /// A worker answered `rejected`: the data or the model is at fault, so it was not retried.
    public var inputRejected = false

    public var description: String {
        let reasons = reasons.joined(separator: "; ")
        if inputRejected { return "evaluation \(evaluationID) failed: shard \(shardID) cannot be evaluated on any worker (\(reasons))" }
        return "evaluation \(evaluationID) failed: shard \(shardID) failed \(attempts) times (\(reasons))"
    }
}

/// One row of the coordinator's workers table.
public struct WorkerRecord: Equatable, Sendable {
    public let peer: PeerID
    public let workerID: UInt32
    public let name: String
    public let threads: Int
    /// SHA-256 of the shards the worker holds (from HELLO and LOADED).
    public internal(set) var heldShards: Set<SHA256Digest>
    /// Its `NumericsFingerprint` for the run's model, once it holds it (HELLO or LOADED).
    public internal(set) var fingerprint: UInt64?
    /// Whether it holds the run's model: a worker reports the fingerprint with the model.
    public var hasModel: Bool { fingerprint != nil }
    public internal(set) var lastHeard: Milliseconds
    public internal(set) var progress: UInt64
    /// When `progress` last changed, or a job was sent to the idle worker.
    public internal(set) var lastProgressAt: Milliseconds
    public internal(set) var alive: Bool
    /// How fast it computes shards, measured from its answers (placement weights).
    public internal(set) var throughput = Throughput()
    /// Items whose LOAD was sent and whose LOADED has not come (at most `loadWindow`).
    var loading: Set<LoadItem> = []
    /// Items to LOAD once a slot of the window frees up, in order.
    var queuedLoads: [LoadItem] = []
    var modelLoadFailures = 0
}

/// Messages the coordinator dropped, and other events worth a metric (docs/protocol.md).
public struct CoordinatorCounters: Equatable, Sendable {
    public var malformed = 0
    /// Messages carrying another run id (e.g. from before a restart).
    public var foreignRun = 0
    /// Messages from a peer that is not a live registered worker (answered with BYE).
    public var unknownPeer = 0
    /// Answers for an evaluation that is already complete, failed, or never existed.
    public var closedEvaluation = 0
    /// Answers whose step hash is not the evaluation's.
    public var wrongHash = 0
    /// Answers for a shard that was already answered (a speculative or re-sent copy).
    public var duplicate = 0
    /// Well-formed messages that make no sense here (wrong kind, shard not in the evaluation, wrong vector count).
    public var unexpected = 0
    public var failedLoads = 0
    public var failedShardAttempts = 0
    /// Open shards re-placed because their worker died before it was computing them (still
    /// loading its bytes): not failures of the shard.
    public var abandonedShardLoads = 0
    public var rejectedHellos = 0
    public var workersDeclaredDead = 0
    public var speculativeSends = 0
    /// Shards moved to another numerics class (`allowMixedNumerics`).
    public var numericsClassMoves = 0
    /// Evaluations closed unfinished (`Event.abandon`): the caller's wait timed out, or the
    /// coordinator could not read a shard it had to send.
    public var abandonedEvaluations = 0

    public init() {}
}

/// Where one shard of the open evaluation is being computed.
enum Placement: Equatable, Sendable {
    /// Waiting for the worker to hold the shard (and the model).
    case awaitingLoad
    case running
}

/// The open evaluation's per-shard bookkeeping.
struct ShardProgress: Sendable {
    var attempt = 1
    var failureReasons: [String] = []
    var placements: [PeerID: Placement] = [:]
    var speculated = false
    var answer: ShardAnswer?

    var isDone: Bool { answer != nil }
}

/// One worker's share of the open evaluation, for its measured throughput (`recordThroughput`).
struct PeerWork: Sendable {
    /// When its first JOB of this evaluation went out.
    var busySince: Milliseconds?
    /// How many of its answers were accepted, and when the last one came.
    var answered = 0
    var lastAnswerAt: Milliseconds?
}

struct OpenEvaluation: Sendable {
    let request: EvaluationRequest
    var shards: [Int: ShardProgress]
    /// Per worker that was sent a JOB of this evaluation.
    var peers: [PeerID: PeerWork] = [:]
    /// A placement was added since the last `dispatch` (a re-placed failure, a speculative
    /// copy): an answer needs a dispatch only then.
    var placementsChanged = false

    var doneCount: Int { shards.values.filter(\.isDone).count }
}
