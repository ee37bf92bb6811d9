import LAPQData
import LAPQEngine

/// A shard named in a job: its id in this run's manifest and its SHA-256, by which the worker
/// finds it in its cache (the id alone would not survive a coordinator restart).
public struct JobShard: Hashable, Sendable {
    public var id: Int
    public var sha256: SHA256Digest

    public init(id: Int, sha256: SHA256Digest) {
        self.id = id
        self.sha256 = sha256
    }
}

/// JOB or STATS (coordinator → worker): the evaluation's work over the listed shards. Score
/// work travels as JOB, statistics as STATS (the message type follows `work`).
public struct Job: Equatable, Sendable {
    public var shards: [JobShard]
    public var work: EvaluationWork

    public init(shards: [JobShard], work: EvaluationWork) {
        self.shards = shards
        self.work = work
    }
}

/// What a worker answers for a job's shards: a value for every shard, or a failure naming them.
public enum ShardOutcomes<Value: Equatable & Sendable>: Equatable, Sendable {
    case completed([Int: Value])
    /// This worker could not compute them (not loaded, out of memory, a kernel failed…):
    /// another attempt, elsewhere, may succeed.
    case failed(shardIDs: [Int], reason: String)
    /// The input itself cannot be evaluated — the shard's data or the model computes NaN or ±∞,
    /// or the bytes do not fit their facts — so every worker would answer the same: the
    /// coordinator stops the evaluation at once instead of retrying.
    case rejected(shardIDs: [Int], reason: String)

    /// Whether the answer is a failure (`failed` or `rejected`).
    public var isFailure: Bool {
        if case .completed = self { return false }
        return true
    }

    /// The shards the answer covers, ascending.
    public var shardIDs: [Int] {
        switch self {
        case let .completed(values): return values.keys.sorted()
        case let .failed(ids, _), let .rejected(ids, _): return ids
        }
    }
}

/// RESULT or STATS-RESULT (worker → coordinator): per shard, the answer to the job's work (for
/// scores, one `BatchScore` per step vector of the job, in the job's order), or a failure. The
/// header's evaluation id, attempt and step hash are the job's.
public struct JobResult: Equatable, Sendable {
    /// Whether it answers a STATS (sent as STATS-RESULT) rather than a JOB (RESULT): a failure
    /// carries no answer to tell them apart.
    public var isStatistics: Bool
    public var outcome: ShardOutcomes<ShardAnswer>

    public init(isStatistics: Bool, outcome: ShardOutcomes<ShardAnswer>) {
        self.isStatistics = isStatistics
        self.outcome = outcome
    }

    /// The answer of a job with `work`.
    public init(answering work: EvaluationWork, outcome: ShardOutcomes<ShardAnswer>) {
        self.init(isStatistics: !work.isScores, outcome: outcome)
    }
}

extension WireWriter {
    mutating func jobShards(_ shards: [JobShard]) {
        array(shards) { writer, shard in
            writer.i32(Int32(clamping: shard.id))
            writer.digest(shard.sha256)
        }
    }

    /// Values are written in ascending shard order, so an answer has one encoding.
    mutating func outcomes<Value>(_ outcomes: ShardOutcomes<Value>, _ value: (inout WireWriter, Value) -> Void) {
        switch outcomes {
        case let .completed(values):
            u8(0)
            array(values.sorted { $0.key < $1.key }) { writer, entry in
                writer.i32(Int32(clamping: entry.key))
                value(&writer, entry.value)
            }
        case let .failed(ids, reason):
            u8(1)
            array(ids) { $0.i32(Int32(clamping: $1)) }
            string(reason)
        case let .rejected(ids, reason):
            u8(2)
            array(ids) { $0.i32(Int32(clamping: $1)) }
            string(reason)
        }
    }
}

extension WireReader {
    mutating func shardID(_ message: String) throws(ProtocolError) -> Int {
        let id = try i32("shard id")
        guard id >= 0 else { throw .inconsistent(message: message, reason: "shard id \(id)") }
        return Int(id)
    }

    mutating func jobShards(_ message: String) throws(ProtocolError) -> [JobShard] {
        let shards = try array("shards", minimumElementSize: 4 + SHA256Digest.byteCount) { (reader) throws(ProtocolError) in
            JobShard(id: try reader.shardID(message), sha256: try reader.digest("shard sha256"))
        }
        guard Set(shards.map(\.id)).count == shards.count else { throw .inconsistent(message: message, reason: "a shard is listed twice") }
        return shards
    }

    mutating func outcomes<Value>(_ message: String, minimumValueSize: Int,
                                  _ value: (inout WireReader) throws(ProtocolError) -> Value) throws(ProtocolError) -> ShardOutcomes<Value> {
        switch try u8("outcome") {
        case 0:
            let pairs = try array("shards", minimumElementSize: 4 + minimumValueSize) { (reader) throws(ProtocolError) in
                (try reader.shardID(message), try value(&reader))
            }
            let values = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
            guard values.count == pairs.count else { throw .inconsistent(message: message, reason: "a shard is answered twice") }
            return .completed(values)
        case let code where code == 1 || code == 2:
            let ids = try array("failed shards", minimumElementSize: 4) { (reader) throws(ProtocolError) in try reader.shardID(message) }
            let reason = try string("reason", in: message)
            return code == 1 ? .failed(shardIDs: ids, reason: reason) : .rejected(shardIDs: ids, reason: reason)
        case let other:
            throw .inconsistent(message: message, reason: "outcome code \(other)")
        }
    }
}

extension Job {
    /// The step vectors of score work (a JOB's payload); nil for statistics.
    var stepVectors: [StepVector]? {
        if case let .scores(vectors) = work { return vectors }
        return nil
    }

    func encode(into writer: inout WireWriter) {
        writer.jobShards(shards)
        switch work {
        case let .scores(vectors): Self.encode(vectors, into: &writer)
        case .maxima, .histograms: encodeStatistics(into: &writer)
        }
    }

    /// K, N, a K-byte mask (1: quantized vector present), then the present vectors' N values each.
    private static func encode(_ stepVectors: [StepVector], into writer: inout WireWriter) {
        let present = stepVectors.compactMap(\.steps)
        let length = present.first?.count ?? 0
        precondition(present.allSatisfy { $0.count == length }, "step vectors of different lengths")
        writer.count(stepVectors.count)
        writer.count(length)
        for vector in stepVectors { writer.bool(vector != .float) }
        for vector in present { for value in vector { writer.f64(value) } }
    }

    /// A JOB (score work) or, with `isStatistics`, a STATS.
    static func decode(from reader: inout WireReader, isStatistics: Bool) throws(ProtocolError) -> Job {
        let shards = try reader.jobShards(isStatistics ? "STATS" : "JOB")
        return Job(shards: shards, work: isStatistics ? try decodeStatistics(from: &reader) : .scores(try decodeStepVectors(from: &reader)))
    }

    private static func decodeStepVectors(from reader: inout WireReader) throws(ProtocolError) -> [StepVector] {
        let vectorCount = try reader.count("vector count", elementSize: 1)
        let length = Int(try reader.u32("vector length"))
        var mask: [Bool] = []
        for _ in 0..<vectorCount { mask.append(try reader.bool("float mask", in: "JOB")) }
        let presentCount = mask.filter { $0 }.count
        guard presentCount == 0 || length <= reader.remaining / 8 / presentCount else {
            throw .truncated(field: "step vectors", offset: reader.offset, needed: presentCount * length * 8, available: reader.remaining)
        }
        var vectors: [StepVector] = []
        for isPresent in mask {
            guard isPresent else { vectors.append(.float); continue }
            var steps: [Double] = []
            steps.reserveCapacity(length)
            for _ in 0..<length { steps.append(try reader.f64("step size")) }
            vectors.append(.quantized(steps))
        }
        guard !vectors.isEmpty else { throw .inconsistent(message: "JOB", reason: "no step vectors") }
        return vectors
    }
}

extension JobResult {
    func encode(into writer: inout WireWriter) {
        guard !isStatistics else { return encodeStatistics(into: &writer) }
        let vectorCount: Int
        if case let .completed(values) = outcome, case let .scores(scores)? = values.values.first { vectorCount = scores.count } else { vectorCount = 0 }
        writer.count(vectorCount)
        writer.outcomes(outcome) { writer, answer in
            guard case let .scores(scores) = answer, scores.count == vectorCount else {
                preconditionFailure("a RESULT answers every shard with a score per vector, got \(answer)")
            }
            for score in scores {
                writer.f64(score.lossSum)
                writer.i64(Int64(score.top1))
                writer.i64(Int64(score.count))
            }
        }
    }

    /// A RESULT or, with `isStatistics`, a STATS-RESULT.
    static func decode(from reader: inout WireReader, isStatistics: Bool) throws(ProtocolError) -> JobResult {
        guard !isStatistics else { return JobResult(isStatistics: true, outcome: try decodeStatistics(from: &reader)) }
        let vectorCount = try reader.count("vector count", elementSize: 1)
        let outcome = try reader.outcomes("RESULT", minimumValueSize: 24 * vectorCount) { (reader) throws(ProtocolError) -> ShardAnswer in
            var scores: [BatchScore] = []
            for _ in 0..<vectorCount {
                let loss = try reader.f64("loss sum"), top1 = try reader.i64("top-1"), count = try reader.i64("count")
                guard count >= 0, count <= ProtocolConstants.maxShardSamples, top1 >= 0, top1 <= count else {
                    throw .inconsistent(message: "RESULT", reason: "top-1 \(top1) of count \(count)")
                }
                scores.append(BatchScore(lossSum: loss, top1: Int(top1), count: Int(count)))
            }
            return .scores(scores)
        }
        return JobResult(isStatistics: false, outcome: outcome)
    }
}
