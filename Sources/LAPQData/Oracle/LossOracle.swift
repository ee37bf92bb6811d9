import LAPQEngine
import LAPQMath

/// Where LAPQ's losses come from: the local implementation runs executors over the shards in
/// this process; the cluster implementation (LAPQCluster) sends the same jobs to workers.
/// Either way a loss is the Float64 sum over every shard of the calibration set, added in
/// shard order, so the optimization does not depend on where it was computed.
public protocol LossOracle: AnyObject {
    /// The quantization points whose step sizes the vectors hold, in order.
    var plan: QuantizationPlan { get }

    /// Scores each step vector (one Δ per plan point; nil runs the float network) over the
    /// whole calibration set. Throws rather than return a score from a partial set of shards.
    func evaluate(_ stepVectors: [[Double]?]) throws -> [BatchScore]

    /// max |x| of every activation point over the whole set, on the float network.
    func activationMaxima() throws -> [Double]

    /// Histograms of every activation point over the whole set, on the float network, with
    /// fixed ranges from `maxima` (see `Histogram`); entries for weight points are nil.
    func activationHistograms(maxima: [Double], binCount: Int) throws -> [Histogram?]

    /// Which numerics class (CPU fingerprint, hex) computed which shards, for a distributed
    /// oracle; nil for a local one, whose one machine computes everything.
    var numericsClasses: [String: [Int]]? { get }

    /// Binds shards to the numerics classes that computed them before a resume (a checkpoint's
    /// `numericsClasses`), so that the resumed run keeps them there. Call before evaluating.
    func restoreNumericsClasses(_ classes: [String: [Int]]) throws
}

extension LossOracle {
    public var numericsClasses: [String: [Int]]? { nil }
    /// A local oracle computes every shard on this one machine: nothing to bind.
    public func restoreNumericsClasses(_ classes: [String: [Int]]) throws {}
}

/// Adds per-shard scores in shard-id order, in Float64, so the total is the same whatever
/// order the shards were computed or received in.
public func reduceInShardOrder(_ scores: [Int: BatchScore]) -> BatchScore {
    scores.keys.sorted().reduce(BatchScore()) { $0 + (scores[$1] ?? BatchScore()) }
}
