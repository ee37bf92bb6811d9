import Foundation
import LAPQData
import LAPQEngine

/// The shards a worker was sent, kept as their stored bytes — a quarter of the decoded floats
/// for uint8 images — in a scratch file (`SpillFile`), not in memory, and decoded on demand
/// exactly as a local `ShardStore` decodes them, so the worker's partial sums stay
/// bit-identical to the local oracle's. `WorkerCompute` puts a budgeted `CachedShards` in
/// front, which bounds the decoded copies; with the bytes on disk the worker's memory is its
/// budgets, whatever its share of the set (docs/reliability.md, "Memory at size"). One store
/// serves every model the worker is sent, so a new run decodes the same bytes again.
final class ReceivedShards: CalibrationShards, @unchecked Sendable {
    private let lock = NSLock()
    private let spill: SpillFile
    private var stored: [Int: (offset: Int, facts: ShardFacts)] = [:]
    /// Where each digest's bytes are: a shard of the same bytes under another id (the calibration
    /// manifest given as the validation set too) reads them, even once the first id is replaced.
    private var byDigest: [SHA256Digest: (offset: Int, facts: ShardFacts)] = [:]

    init(scratchDirectory: URL = FileManager.default.temporaryDirectory) throws {
        spill = try SpillFile(directory: scratchDirectory)
    }

    var shardIDs: [Int] { lock.withLock { stored.keys.sorted() } }

    /// Bytes on the scratch disk (replaced shards included).
    var spilledBytes: Int { spill.size }

    /// Keeps a shard's bytes (images then labels, as hashed in the manifest), replacing any
    /// earlier shard of that id. Throws when the size disagrees with the facts or an image is
    /// not finite (as the coordinator's own `ShardStore` would).
    func insert(id: Int, sha256: SHA256Digest, bytes: [UInt8], facts: ShardFacts) throws {
        guard bytes.count == facts.totalByteCount else {
            throw WorkerError.shardSize(id: id, expected: facts.totalByteCount, got: bytes.count)
        }
        try facts.layout.requireFinite(stored: Array(bytes[..<facts.imageByteCount]), samples: facts.samples,
                                       source: "shard \(id) from the coordinator")
        let offset = try spill.append(bytes)
        lock.withLock {
            stored[id] = (offset, facts)
            byDigest[sha256] = (offset, facts)
        }
    }

    /// Makes `id` read the bytes already stored for `sha256` under another id; false when no
    /// shard with those bytes is stored. (The coordinator counts a worker's shards by digest,
    /// so it sends no second LOAD of the same bytes.)
    func alias(id: Int, sha256: SHA256Digest) -> Bool {
        lock.withLock {
            guard let shard = byDigest[sha256] else { return false }
            stored[id] = shard
            return true
        }
    }

    func loadShard(_ id: Int) throws -> (input: Tensor, labels: [Int]) {
        guard let shard = lock.withLock({ stored[id] }) else { throw WorkerError.missingShard(id: id) }
        let facts = shard.facts
        let images = try spill.read(offset: shard.offset, count: facts.imageByteCount)
        let labelBytes = try spill.read(offset: shard.offset + facts.imageByteCount, count: facts.totalByteCount - facts.imageByteCount)
        guard let labels = NPYFile.decodeIntegers(labelBytes, as: facts.labelDType) else {
            preconditionFailure("ShardFacts admits only int64 and int32 labels, got \(facts.labelDType)")
        }
        let input = ShardStore.networkInput(storedImages: images, layout: facts.layout,
                                            preprocessing: facts.preprocessing, sampleShape: facts.sampleShape)
        return (Tensor(shape: [facts.samples.count] + facts.sampleShape, data: input), labels)
    }
}
