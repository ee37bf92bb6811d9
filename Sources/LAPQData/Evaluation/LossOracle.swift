import LAPQEngine
import LAPQMath

/// Where LAPQ's losses come from: the local implementation runs executors over the shards in
/// this process; the cluster implementation (LAPQCluster) sends the same work to workers.
/// Either way an oracle answers per shard, and the result is reduced in shard order
/// (`ShardOrderReduction`) by the one implementation below, so the optimization does not
/// depend on where it was computed.
public protocol LossOracle: AnyObject {
    /// The quantization points whose step sizes the vectors hold, in order.
    var plan: QuantizationPlan { get }

    /// Every shard's answer to `work` over the whole calibration set, each fitting the work
    /// (`ShardAnswer.misfit`). Throws rather than answer part of the shards.
    func answers(to work: EvaluationWork) throws -> [Int: ShardAnswer]

    /// Which numerics class computed which shards, for a distributed oracle; nil for a local
    /// one, whose one machine computes everything.
    var numericsClasses: NumericsClasses? { get }

    /// Binds shards to the numerics classes that computed them before a resume (a checkpoint's
    /// `numericsClasses`), so that the resumed run keeps them there. Call before evaluating.
    func restoreNumericsClasses(_ classes: NumericsClasses) throws
}

extension LossOracle {
    public var numericsClasses: NumericsClasses? { nil }
    /// A local oracle computes every shard on this one machine: nothing to bind.
    public func restoreNumericsClasses(_ classes: NumericsClasses) throws {}

    /// Scores each step vector over the whole calibration set.
    public func evaluate(_ stepVectors: [StepVector]) throws -> [BatchScore] {
        ShardOrderReduction.scores(try answers(to: .scores(stepVectors)), vectorCount: stepVectors.count)
    }

    /// max |x| of every activation point over the whole set, on the float network.
    public func activationMaxima() throws -> [Double] {
        ShardOrderReduction.maxima(try answers(to: .maxima), pointCount: plan.points.count)
    }

    /// Histograms of every activation point over the whole set, on the float network, with
    /// fixed ranges from `maxima` (see `Histogram`); entries for weight points are nil.
    public func activationHistograms(maxima: [Double], binCount: Int) throws -> [Histogram?] {
        let empty = ActivationStatistics.emptyHistograms(plan: plan, maxima: maxima, binCount: binCount)
        return try ShardOrderReduction.histograms(try answers(to: .histograms(binCount: binCount, maxima: maxima)), into: empty)
    }
}

/// Adds per-shard scores in shard-id order, in Float64, so the total is the same whatever
/// order the shards were computed or received in.
public func reduceInShardOrder(_ scores: [Int: BatchScore]) -> BatchScore {
    scores.keys.sorted().reduce(BatchScore()) { $0 + (scores[$1] ?? BatchScore()) }
}
