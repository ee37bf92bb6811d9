import LAPQData

/// Constants every lapq wire message carries (docs/protocol.md).
public enum ProtocolConstants {
    /// The first four bytes of every message: "LAPQ" in ASCII, little-endian.
    public static let magic: UInt32 = 0x5150_414C
    /// Bumped on any incompatible change; a message with another version is dropped and counted.
    public static let version: UInt16 = 5
    /// Bytes of the fixed header that starts every message (the table in docs/protocol.md).
    public static let headerSize = 44
    /// The largest payload a decoder accepts; a LOAD chunk is far smaller (see `LoadChunker`),
    /// so anything larger is a foreign or corrupt frame, refused before any allocation.
    public static let maxPayloadSize = 64 << 20
    /// The most samples one shard may hold: shard facts above it are refused, and so is a
    /// RESULT whose per-shard sample count is larger, which keeps the coordinator's sums over
    /// any number of shards far from Int overflow.
    public static let maxShardSamples = 1 << 24
    /// The most elements one stored sample may have (2^16 per dimension alone would allow 2^48).
    public static let maxSampleElements = 1 << 32
    /// The most histogram bins a STATS may ask for, all points together (bin count × points):
    /// a worker allocates them per shard (8 bytes each, 32 MiB at this limit) and answers them
    /// in STATS-RESULT. lapq asks for 2048 (4096 for the magnitude methods) per activation point,
    /// far below it for any CNN; a STATS above it is refused as malformed, and the cluster
    /// oracle refuses to send one.
    public static let maxHistogramBins = 1 << 22

    /// The most shards one JOB or STATS for `work` may name, so that the worker's answer fits
    /// `maxPayloadSize`: about 300 KB per shard for a ResNet-20's histograms at 2048 bins, so a
    /// worker holding a few hundred shards would otherwise be asked for more than 64 MiB in one
    /// STATS-RESULT. Scores and maxima are a few bytes per shard: no limit.
    public static func shardsPerJob(for work: EvaluationWork, pointCount: Int) -> Int {
        guard case let .histograms(binCount, _) = work else { return Int.max }
        let perShard = histogramAnswerBytes(binCount: binCount, pointCount: pointCount)
        return max(1, (maxPayloadSize - histogramAnswerOverhead) / perShard)
    }

    /// Bytes of one shard's histograms in a STATS-RESULT at most (every point with a histogram):
    /// its id, kind and point count, then per point a count and 8 bytes per bin.
    static func histogramAnswerBytes(binCount: Int, pointCount: Int) -> Int { 9 + pointCount * (4 + 8 * binCount) }

    /// A STATS-RESULT payload's bytes besides its shards' (the outcome byte and the shard count).
    static let histogramAnswerOverhead = 5
}
