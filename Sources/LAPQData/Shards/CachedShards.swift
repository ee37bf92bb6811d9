import Foundation
import LAPQEngine

/// Keeps decoded shards in memory, up to a byte budget, so repeated loss evaluations do not
/// re-read, re-hash and re-preprocess the same data; shards beyond the budget are loaded from
/// the source each time. Thread-safe: several executors may load at once.
public final class CachedShards: CalibrationShards, @unchecked Sendable {
    private let source: CalibrationShards
    private let budgetBytes: Int
    private let lock = NSLock()
    private var cache: [Int: (input: Tensor, labels: [Int])] = [:]
    private var cachedBytes = 0

    public init(_ source: CalibrationShards, budgetBytes: Int) {
        self.source = source
        self.budgetBytes = budgetBytes
    }

    public var shardIDs: [Int] { source.shardIDs }

    /// Drops the decoded copy of shard `id` (its source data changed).
    public func forget(_ id: Int) {
        lock.withLock {
            if let shard = cache.removeValue(forKey: id) { cachedBytes -= Self.byteCount(shard) }
        }
    }

    public func loadShard(_ id: Int) throws -> (input: Tensor, labels: [Int]) {
        if let hit = lock.withLock({ cache[id] }) { return hit }
        let shard = try source.loadShard(id)
        let bytes = Self.byteCount(shard)
        lock.withLock {
            if cache[id] == nil, cachedBytes + bytes <= budgetBytes {
                cache[id] = shard
                cachedBytes += bytes
            }
        }
        return shard
    }

    private static func byteCount(_ shard: (input: Tensor, labels: [Int])) -> Int {
        shard.input.count * MemoryLayout<Float>.stride + shard.labels.count * MemoryLayout<Int>.stride
    }
}
