/// The work of one evaluation over a calibration set: what the oracle protocol asks, what a JOB
/// or STATS message carries, what a worker's job runs and what the coordinator's request names.
/// One type, so no layer converts it by hand.
public enum EvaluationWork: Equatable, Sendable {
    /// Score every step vector on every shard; all quantized vectors have the same length.
    case scores([StepVector])
    /// max |x| of every plan point's activation, on the float network (weight points answer 0).
    case maxima
    /// Per activation point, `binCount` bins over the range `Histogram(maxMagnitude:isSigned:binCount:)`
    /// gives for `maxima[point]` (the merged result of a maxima evaluation), on the float
    /// network; weight points answer nil.
    case histograms(binCount: Int, maxima: [Double])

    /// Whether this is a loss evaluation (answered by RESULT) rather than statistics (STATS-RESULT).
    public var isScores: Bool {
        if case .scores = self { return true }
        return false
    }
}
