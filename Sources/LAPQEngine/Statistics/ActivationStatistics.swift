import LAPQMath

/// The statistics LAPQ's layer-wise initialization needs from the data, collected on the float
/// network (docs/engine.md, "Statistics"): a first pass gives max |x| per activation point, a
/// second pass fills a fixed-range `Histogram` per point. Both merge exactly across batches
/// and shards (max, and adding counts), so any split of the data gives the same result.
///
/// Arrays are indexed like the plan's points; entries for weight points stay 0 / nil (weights
/// are measured exactly from the model, not from data).
public enum ActivationStatistics {
    /// max |x| per activation point over one batch. Runs the float network: the executor's
    /// step sizes are set to nil.
    public static func maxima(of input: Tensor, executor: Executor) throws -> [Double] {
        try executor.setStepSizes(nil)
        var maxima = [Double](repeating: 0, count: executor.plan.points.count)
        _ = try executor.run(input, observer: { point, values in
            maxima[point] = Double(values.data.reduce(Float(0)) { max($0, abs($1)) })
        })
        return maxima
    }

    /// Histograms per activation point over one batch, with ranges fixed by `maxima` (the
    /// maxima over the whole data set) and `binCount` bins. Runs the float network.
    public static func histograms(of input: Tensor, maxima: [Double], binCount: Int,
                                  executor: Executor) throws -> [Histogram?] {
        precondition(maxima.count == executor.plan.points.count, "one maximum per plan point")
        try executor.setStepSizes(nil)
        var histograms = emptyHistograms(plan: executor.plan, maxima: maxima, binCount: binCount)
        _ = try executor.run(input, observer: { point, values in
            histograms[point]?.add(values.data)
        })
        return histograms
    }

    /// Empty histograms for every activation point (nil for weight points).
    public static func emptyHistograms(plan: QuantizationPlan, maxima: [Double], binCount: Int) -> [Histogram?] {
        zip(plan.points, maxima).map { point, maximum in
            point.kind == .activation
                ? Histogram(maxMagnitude: maximum, isSigned: point.isSigned, binCount: binCount) : nil
        }
    }

    /// Element-wise maximum of per-batch maxima.
    public static func merge(maxima: [Double], _ other: [Double]) -> [Double] {
        zip(maxima, other).map { max($0, $1) }
    }

    /// Adds the counts of per-batch histograms.
    public static func merge(histograms: [Histogram?], _ other: [Histogram?]) -> [Histogram?] {
        zip(histograms, other).map { left, right in
            guard let left, let right else { return left ?? right }
            return left.merged(with: right)
        }
    }
}
