import LAPQData

/// Cuts an item into the LOAD messages that carry it: chunks of at most `chunkSize` bytes in
/// offset order, each with the item's size, SHA-256 and (for a shard) facts. An empty item is
/// one empty chunk, so every LOAD sequence has at least one message.
public enum LoadChunker {
    /// 1 MiB: large enough that framing costs nothing, small enough that heartbeats interleave.
    public static let defaultChunkSize = 1 << 20

    /// `shardFacts` must be given exactly for shards; `bytes` must hash to `sha256`.
    public static func messages(item: LoadItem, bytes: [UInt8], sha256: SHA256Digest, shardFacts: ShardFacts?,
                                runID: UInt64, chunkSize: Int = defaultChunkSize) -> [Message] {
        precondition(chunkSize > 0 && chunkSize <= ProtocolConstants.maxPayloadSize / 2, "chunk size \(chunkSize)")
        precondition((item == .model) == (shardFacts == nil), "shard facts go with shards, and only with them")
        let offsets = bytes.isEmpty ? [0] : Array(stride(from: 0, to: bytes.count, by: chunkSize))
        return offsets.map { offset in
            let chunk = Array(bytes[offset..<min(offset + chunkSize, bytes.count)])
            return Message(runID: runID, body: .load(LoadChunk(item: item, totalSize: UInt64(bytes.count), offset: UInt64(offset),
                                                                bytes: chunk, sha256: sha256, shardFacts: shardFacts)))
        }
    }
}
