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
    ///
    /// - Throws: `ExecutionError.nonFinite` for an input holding NaN or ±∞, or naming the
    ///   producer of the first point whose values do: no clipping of such a tensor means
    ///   anything, and ±∞ has no histogram.
    public static func maxima(of input: Tensor, executor: Executor) throws -> [Double] {
        // A non-finite input may vanish in a ReLU (max(NaN, 0)) and leave a plausible result.
        guard input.data.allSatisfy(\.isFinite) else {
            throw ExecutionError.nonFinite(node: nil, tensor: executor.graph.input.name)
        }
        try executor.setStepSizes(nil)
        let points = executor.plan.points
        var maxima = [Double](repeating: 0, count: points.count)
        var firstNonFinite: Int?
        _ = try executor.run(input, observer: { point, values in
            var largest: Float = 0
            var finite = true
            for value in values.data {
                largest = max(largest, abs(value))
                finite = finite && value.isFinite
            }
            maxima[point] = Double(largest)
            if !finite, firstNonFinite == nil { firstNonFinite = point }
        })
        if let point = firstNonFinite {
            let tensor = points[point].tensor
            throw ExecutionError.nonFinite(node: executor.graph.producer(of: tensor)?.name, tensor: tensor)
        }
        return maxima
    }

    /// A step vector by the max-abs rule (`QuantizationPoint.maxAbsStepSizes`), activations
    /// measured in a float run of `input` (a simple, common baseline, and a fixed step vector
    /// where one is needed without data: benchmarks, numerics fingerprints).
    public static func maxAbsStepSizes(of input: Tensor, executor: Executor) throws -> [Double] {
        let activations = try maxima(of: input, executor: executor)
        return zip(executor.plan.points, activations).flatMap { point, activation in
            point.maxAbsStepSizes(in: executor.graph, activationMaximum: activation)
        }
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

    /// Adds the counts of per-batch histograms, point by point; a sum past `Int.max` is
    /// thrown naming the point (`Histogram.merge`).
    public static func merge(histograms: [Histogram?], _ other: [Histogram?]) throws(HistogramCountOverflow) -> [Histogram?] {
        var merged: [Histogram?] = []
        for (point, (left, right)) in zip(histograms, other).enumerated() {
            guard let left, let right else {
                merged.append(left ?? right)
                continue
            }
            do {
                merged.append(try left.merged(with: right))
            } catch {
                throw HistogramCountOverflow(bin: error.bin, point: point)
            }
        }
        return merged
    }
}
