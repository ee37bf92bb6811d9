import LAPQEngine

/// A calibration (or validation) set cut into fixed shards, as the oracles read it.
/// `loadShard` may be called from several threads at once.
public protocol CalibrationShards: AnyObject {
    /// Shard ids in the fixed order losses are reduced in.
    var shardIDs: [Int] { get }
    /// The network input (N, C, H, W) float32 after preprocessing, and the labels, of a shard.
    func loadShard(_ id: Int) throws -> (input: Tensor, labels: [Int])
}
