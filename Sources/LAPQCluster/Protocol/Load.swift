import LAPQData

/// What a LOAD carries: the run's model, or one calibration shard (named by id in the header).
public enum LoadItem: Hashable, Sendable, CustomStringConvertible {
    case model
    case shard(Int)

    var headerShardID: Int32 {
        switch self {
        case .model: return -1
        case let .shard(id): return Int32(clamping: id)
        }
    }

    public var description: String {
        switch self {
        case .model: return "model"
        case let .shard(id): return "shard \(id)"
        }
    }
}

/// LOAD (coordinator → worker): one chunk of an item. Chunks of an item are sent in order
/// (ZeroMQ keeps a peer's order); each repeats the item's size, SHA-256 and, for a shard, its
/// `ShardFacts`, so a worker can check every chunk on its own.
public struct LoadChunk: Equatable, Sendable {
    public var item: LoadItem
    public var totalSize: UInt64
    public var offset: UInt64
    public var bytes: [UInt8]
    public var sha256: SHA256Digest
    /// Present exactly when `item` is a shard.
    public var shardFacts: ShardFacts?

    public init(item: LoadItem, totalSize: UInt64, offset: UInt64, bytes: [UInt8], sha256: SHA256Digest, shardFacts: ShardFacts?) {
        self.item = item
        self.totalSize = totalSize
        self.offset = offset
        self.bytes = bytes
        self.sha256 = sha256
        self.shardFacts = shardFacts
    }
}

/// LOADED (worker → coordinator): the item was assembled, verified and stored — or why not.
public struct Loaded: Equatable, Sendable {
    public var item: LoadItem
    public var sha256: SHA256Digest
    /// nil: stored; otherwise the reason it was not.
    public var failure: String?
    /// For a stored model: the worker's `NumericsFingerprint` for it (0 otherwise, not sent).
    public var fingerprint: UInt64

    public init(item: LoadItem, sha256: SHA256Digest, failure: String? = nil, fingerprint: UInt64 = 0) {
        self.item = item
        self.sha256 = sha256
        self.failure = failure
        self.fingerprint = item == .model && failure == nil ? fingerprint : 0
    }
}

extension LoadItem {
    /// The item a header's shard id names; ids below −1 are not ids.
    init(headerShardID: Int32, message: String) throws(ProtocolError) {
        switch headerShardID {
        case -1: self = .model
        case 0...: self = .shard(Int(headerShardID))
        default: throw .inconsistent(message: message, reason: "shard id \(headerShardID)")
        }
    }
}

extension LoadChunk {
    func encode(into writer: inout WireWriter) {
        writer.u64(totalSize)
        writer.u64(offset)
        writer.byteArray(bytes)
        writer.digest(sha256)
        if let shardFacts { writer.shardFacts(shardFacts) }
    }

    static func decode(from reader: inout WireReader, item: LoadItem) throws(ProtocolError) -> LoadChunk {
        let total = try reader.u64("total size"), offset = try reader.u64("offset")
        let bytes = try reader.byteArray("chunk")
        guard offset <= total, UInt64(bytes.count) <= total - offset else {
            throw .inconsistent(message: "LOAD", reason: "chunk of \(bytes.count) bytes at \(offset) exceeds total \(total)")
        }
        let digest = try reader.digest("sha256")
        let facts: ShardFacts? = item == .model ? nil : try reader.shardFacts()
        if let facts, UInt64(facts.totalByteCount) != total {
            throw .inconsistent(message: "LOAD", reason: "shard facts describe \(facts.totalByteCount) bytes, total size is \(total)")
        }
        return LoadChunk(item: item, totalSize: total, offset: offset, bytes: bytes, sha256: digest, shardFacts: facts)
    }
}

extension Loaded {
    func encode(into writer: inout WireWriter) {
        writer.digest(sha256)
        writer.bool(failure == nil)
        if let failure { writer.string(failure) } else if item == .model { writer.u64(fingerprint) }
    }

    static func decode(from reader: inout WireReader, item: LoadItem) throws(ProtocolError) -> Loaded {
        let digest = try reader.digest("sha256")
        let ok = try reader.bool("ok", in: "LOADED")
        guard ok else { return Loaded(item: item, sha256: digest, failure: try reader.string("reason", in: "LOADED")) }
        let fingerprint = item == .model ? try reader.u64("numerics fingerprint") : 0
        return Loaded(item: item, sha256: digest, fingerprint: fingerprint)
    }
}
