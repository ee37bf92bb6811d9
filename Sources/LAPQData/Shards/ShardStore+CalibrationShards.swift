import LAPQEngine

extension ShardStore: CalibrationShards {
    public var shardIDs: [Int] { manifest.shards.map(\.id) }

    public func loadShard(_ id: Int) throws -> (input: Tensor, labels: [Int]) {
        let shard = try load(shard: id)
        return (shard.input, shard.labels)
    }
}
