/// The frame layout (docs/protocol.md): a 44-byte little-endian header — magic u32,
/// version u16, type u8, flags u8, run id u64, evaluation id u64, shard id i32, attempt u16,
/// reserved u16, step-vector hash u64, payload length u32 — then the payload.
extension Message {
    /// The frame: header and payload.
    public func encoded() -> [UInt8] {
        var payload = WireWriter()
        encodePayload(into: &payload)
        precondition(payload.bytes.count <= ProtocolConstants.maxPayloadSize,
                     "\(type) payload of \(payload.bytes.count) bytes exceeds the protocol's limit; send smaller chunks")
        var frame = WireWriter()
        frame.u32(ProtocolConstants.magic)
        frame.u16(ProtocolConstants.version)
        frame.u8(type.rawValue)
        frame.u8(0)
        frame.u64(runID)
        frame.u64(evaluationID)
        frame.i32(headerShardID)
        frame.u16(attempt)
        frame.u16(0)
        frame.u64(stepHash)
        frame.count(payload.bytes.count)
        frame.raw(payload.bytes)
        return frame.bytes
    }

    /// Decodes one frame. Never traps: anything but a well-formed message of this version
    /// throws a `ProtocolError` saying why.
    public init(decoding frame: [UInt8]) throws(ProtocolError) {
        var header = WireReader(frame)
        let magic = try header.u32("magic")
        guard magic == ProtocolConstants.magic else { throw .wrongMagic(magic) }
        let version = try header.u16("version")
        guard version == ProtocolConstants.version else { throw .wrongVersion(version) }
        let typeCode = try header.u8("type")
        guard let type = MessageType(rawValue: typeCode) else { throw .unknownType(typeCode) }
        let flags = try header.u8("flags")
        let runID = try header.u64("run id"), evaluationID = try header.u64("evaluation id")
        let shardID = try header.i32("shard id")
        let attempt = try header.u16("attempt"), reserved = try header.u16("reserved")
        let stepHash = try header.u64("step hash")
        let length = Int(try header.u32("payload length"))
        guard flags == 0, reserved == 0 else {
            throw .inconsistent(message: "\(type) header", reason: "flags \(flags) / reserved \(reserved) must be 0 in version 1")
        }
        guard length <= ProtocolConstants.maxPayloadSize else { throw .oversized(reason: "payload length \(length) in the header") }
        guard length <= header.remaining else {
            throw .truncated(field: "payload", offset: header.offset, needed: length, available: frame.count)
        }
        guard length == header.remaining else { throw .oversized(reason: "\(header.remaining - length) bytes after the payload") }
        var payload = WireReader(frame, from: header.offset)
        let body = try Self.decodeBody(type, shardID: shardID, from: &payload)
        try payload.expectEnd(of: "\(type)")
        self.init(runID: runID, evaluationID: evaluationID, attempt: attempt, stepHash: stepHash, body: body)
        try validate(headerShardID: shardID)
    }

    private func encodePayload(into writer: inout WireWriter) {
        switch body {
        case let .hello(hello): hello.encode(into: &writer)
        case let .welcome(welcome): welcome.encode(into: &writer)
        case let .load(chunk): chunk.encode(into: &writer)
        case let .loaded(loaded): loaded.encode(into: &writer)
        case let .job(job): job.encode(into: &writer)
        case let .result(result): result.encode(into: &writer)
        case .cancel: break
        case let .heartbeat(heartbeat): heartbeat.encode(into: &writer)
        case let .bye(bye): writer.string(bye.reason)
        }
    }

    private static func decodeBody(_ type: MessageType, shardID: Int32,
                                   from reader: inout WireReader) throws(ProtocolError) -> Body {
        switch type {
        case .hello: return .hello(try Hello.decode(from: &reader))
        case .welcome: return .welcome(try Welcome.decode(from: &reader))
        case .load: return .load(try LoadChunk.decode(from: &reader, item: LoadItem(headerShardID: shardID, message: "LOAD")))
        case .loaded: return .loaded(try Loaded.decode(from: &reader, item: LoadItem(headerShardID: shardID, message: "LOADED")))
        case .job: return .job(try Job.decode(from: &reader, isStatistics: false))
        case .result: return .result(try JobResult.decode(from: &reader, isStatistics: false))
        case .stats: return .job(try Job.decode(from: &reader, isStatistics: true))
        case .statsResult: return .result(try JobResult.decode(from: &reader, isStatistics: true))
        case .cancel: return .cancel
        case .heartbeat: return .heartbeat(try Heartbeat.decode(from: &reader))
        case .bye: return .bye(Bye(reason: try reader.string("reason", in: "BYE")))
        }
    }

    /// Header fields that must agree with the payload.
    private func validate(headerShardID shardID: Int32) throws(ProtocolError) {
        guard shardID == headerShardID else {
            throw .inconsistent(message: "\(type) header", reason: "shard id \(shardID); this message names no shard")
        }
        if case let .job(job) = body, let vectors = job.stepVectors, stepHash != StepVectorHash.of(vectors) {
            throw .inconsistent(message: "JOB header", reason: "step hash \(stepHash) does not match the vectors")
        }
    }
}

extension Message {
    /// The one place where a received frame becomes a message: both links call it, and the
    /// state machines receive its result — a message, or why the frame is not one (counted and
    /// dropped there, or for another protocol version, reported) — never bytes. The fuzz
    /// target feeds its bytes through here too.
    public static func decode(frame: [UInt8]) -> Result<Message, ProtocolError> {
        Result { () throws(ProtocolError) -> Message in try Message(decoding: frame) }
    }
}
