import LAPQData

/// HELLO (worker → coordinator, on every (re)connection): who the worker is and what it
/// already caches, so a restarted coordinator does not resend shards.
public struct Hello: Equatable, Sendable {
    public var protocolVersion: UInt16
    public var workerName: String
    /// Compute threads; shards are assigned in proportion to it.
    public var threads: Int
    /// SHA-256 of every shard the worker holds (with its `ShardFacts`).
    public var cachedShards: [SHA256Digest]
    /// SHA-256 of the model it holds, if any.
    public var model: SHA256Digest?
    /// Its `NumericsFingerprint` for that model (sent only with a model).
    public var fingerprint: UInt64

    public init(protocolVersion: UInt16 = ProtocolConstants.version, workerName: String, threads: Int,
                cachedShards: [SHA256Digest], model: SHA256Digest?, fingerprint: UInt64 = 0) {
        self.protocolVersion = protocolVersion
        self.workerName = workerName
        self.threads = threads
        self.cachedShards = cachedShards
        self.model = model
        self.fingerprint = model == nil ? 0 : fingerprint
    }
}

/// WELCOME (coordinator → worker, answering HELLO): the worker's id in this run, the heartbeat
/// interval both sides use, and the model the run evaluates.
public struct Welcome: Equatable, Sendable {
    public var workerID: UInt32
    public var heartbeatIntervalMilliseconds: UInt32
    public var modelSHA256: SHA256Digest
    public var modelSize: UInt64

    public init(workerID: UInt32, heartbeatIntervalMilliseconds: UInt32, modelSHA256: SHA256Digest, modelSize: UInt64) {
        self.workerID = workerID
        self.heartbeatIntervalMilliseconds = heartbeatIntervalMilliseconds
        self.modelSHA256 = modelSHA256
        self.modelSize = modelSize
    }
}

/// HEARTBEAT (both ways, every interval). `progress` counts units of work the worker finished
/// since it started (it must advance while a job runs, or the worker is declared stalled).
public struct Heartbeat: Equatable, Sendable {
    public var progress: UInt64
    public var busy: Bool

    public init(progress: UInt64, busy: Bool) {
        self.progress = progress
        self.busy = busy
    }
}

/// BYE (either way): the sender ends the session; a worker that receives one says HELLO again.
public struct Bye: Equatable, Sendable {
    /// The most UTF-8 bytes of a reason `init(truncating:)` keeps.
    public static let maxReasonBytes = 1024
    public var reason: String

    public init(reason: String) { self.reason = reason }

    /// A BYE whose reason is cut to `maxReasonBytes`: a reason that quotes a peer's strings (a
    /// worker's name, a failure it reported — each up to a frame long) must still fit one frame.
    public init(truncating reason: String) {
        self.reason = String(decoding: reason.utf8.prefix(Self.maxReasonBytes), as: UTF8.self)
    }
}

extension Hello {
    func encode(into writer: inout WireWriter) {
        writer.u16(protocolVersion)
        writer.string(workerName)
        writer.u32(UInt32(clamping: threads))
        writer.array(cachedShards) { $0.digest($1) }
        writer.bool(model != nil)
        if let model {
            writer.digest(model)
            writer.u64(fingerprint)
        }
    }

    static func decode(from reader: inout WireReader) throws(ProtocolError) -> Hello {
        let version = try reader.u16("protocol version")
        let name = try reader.string("worker name", in: "HELLO")
        let threads = Int(try reader.u32("threads"))
        guard threads > 0 else { throw .inconsistent(message: "HELLO", reason: "0 threads") }
        let cached = try reader.array("cached shards", minimumElementSize: SHA256Digest.byteCount) { (reader) throws(ProtocolError) in
            try reader.digest("cached shard")
        }
        let hasModel = try reader.bool("has model", in: "HELLO")
        let model = hasModel ? try reader.digest("model") : nil
        let fingerprint = hasModel ? try reader.u64("numerics fingerprint") : 0
        return Hello(protocolVersion: version, workerName: name, threads: threads, cachedShards: cached, model: model,
                     fingerprint: fingerprint)
    }
}

extension Welcome {
    func encode(into writer: inout WireWriter) {
        writer.u32(workerID)
        writer.u32(heartbeatIntervalMilliseconds)
        writer.digest(modelSHA256)
        writer.u64(modelSize)
    }

    static func decode(from reader: inout WireReader) throws(ProtocolError) -> Welcome {
        let id = try reader.u32("worker id")
        let interval = try reader.u32("heartbeat interval")
        guard interval > 0 else { throw .inconsistent(message: "WELCOME", reason: "heartbeat interval 0") }
        return Welcome(workerID: id, heartbeatIntervalMilliseconds: interval, modelSHA256: try reader.digest("model"),
                       modelSize: try reader.u64("model size"))
    }
}

extension Heartbeat {
    func encode(into writer: inout WireWriter) {
        writer.u64(progress)
        writer.bool(busy)
    }

    static func decode(from reader: inout WireReader) throws(ProtocolError) -> Heartbeat {
        Heartbeat(progress: try reader.u64("progress"), busy: try reader.bool("busy", in: "HEARTBEAT"))
    }
}
