/// One lapq wire message: the header fields that vary, and the typed payload. Encoded as ONE
/// ZeroMQ frame by `encoded()` and read back by `Message(decoding:)` (docs/protocol.md).
///
/// The header's shard id is not stored: it is the LOAD/LOADED item's shard (−1 for the model
/// and for every other message), so it cannot disagree with the payload.
public struct Message: Equatable, Sendable {
    /// The coordinator's run; a new one after every coordinator (re)start. 0 in HELLO.
    public var runID: UInt64
    /// JOB, RESULT, STATS, STATS-RESULT, CANCEL: the evaluation; 0 otherwise.
    public var evaluationID: UInt64
    /// JOB, STATS and their answers: the attempt number of the job (informational).
    public var attempt: UInt16
    /// JOB and RESULT: `StepVectorHash.of(vectors)`; 0 otherwise.
    public var stepHash: UInt64
    public var body: Body

    public enum Body: Equatable, Sendable {
        case hello(Hello)
        case welcome(Welcome)
        case load(LoadChunk)
        case loaded(Loaded)
        /// JOB or STATS, by the job's work.
        case job(Job)
        /// RESULT or STATS-RESULT.
        case result(JobResult)
        case cancel
        case heartbeat(Heartbeat)
        case bye(Bye)
    }

    public init(runID: UInt64, evaluationID: UInt64 = 0, attempt: UInt16 = 0, stepHash: UInt64 = 0, body: Body) {
        self.runID = runID
        self.evaluationID = evaluationID
        self.attempt = attempt
        self.stepHash = stepHash
        self.body = body
    }

    public var type: MessageType {
        switch body {
        case .hello: return .hello
        case .welcome: return .welcome
        case .load: return .load
        case .loaded: return .loaded
        case let .job(job): return job.work.isScores ? .job : .stats
        case let .result(result): return result.isStatistics ? .statsResult : .result
        case .cancel: return .cancel
        case .heartbeat: return .heartbeat
        case .bye: return .bye
        }
    }

    /// The header's shard id: the LOAD/LOADED item's shard, −1 otherwise.
    public var headerShardID: Int32 {
        switch body {
        case let .load(chunk): return chunk.item.headerShardID
        case let .loaded(loaded): return loaded.item.headerShardID
        default: return -1
        }
    }
}

/// The type byte of the header.
public enum MessageType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case hello = 1, welcome, load, loaded, job, result, stats, statsResult, cancel, heartbeat, bye

    public var description: String {
        switch self {
        case .hello: return "HELLO"
        case .welcome: return "WELCOME"
        case .load: return "LOAD"
        case .loaded: return "LOADED"
        case .job: return "JOB"
        case .result: return "RESULT"
        case .stats: return "STATS"
        case .statsResult: return "STATS-RESULT"
        case .cancel: return "CANCEL"
        case .heartbeat: return "HEARTBEAT"
        case .bye: return "BYE"
        }
    }
}
