import LAPQData
import LAPQEngine
import LAPQMath

/// LAPQ phase 1: per quantization point and p, the Lp-optimal clip (docs/algorithms.md).
/// Weights are measured exactly from the model's initializers — a per-channel weight channel by
/// channel; activations from the merged calibration histograms. Results are in the plan's step
/// layout (`QuantizationPlan.stepRanges`): one clip per step size.
public struct LayerwiseInitialization: Sendable {
    public let plan: QuantizationPlan
    /// Per weight point: one exact source per step size (the whole tensor, or each channel).
    private let weights: [Int: [ExactLpErrorSource]]
    private let histograms: [Int: Histogram]
    /// Per weight point: max |w| over the whole tensor.
    private let weightMaxima: [Int: Double]

    /// - Parameters:
    ///   - histograms: one per plan point (nil for weights), from `LossOracle.activationHistograms`.
    public init(graph: Graph, plan: QuantizationPlan, histograms: [Histogram?]) {
        precondition(histograms.count == plan.points.count, "one histogram slot per plan point")
        var weights: [Int: [ExactLpErrorSource]] = [:]
        var weightMaxima: [Int: Double] = [:]
        var activations: [Int: Histogram] = [:]
        for (index, point) in plan.points.enumerated() {
            switch point.kind {
            case .weight:
                let weight = graph.initializers[point.tensor] ?? Tensor(shape: [0], data: [])
                weights[index] = point.stepValues(of: weight).map { ExactLpErrorSource(values: $0) }
                weightMaxima[index] = ExactLpErrorSource(values: weight.data).maxMagnitude
            case .activation:
                activations[index] = histograms[index]
            }
        }
        self.plan = plan
        self.weights = weights
        self.weightMaxima = weightMaxima
        self.histograms = activations
    }

    /// The Lp-optimal clip of every step for `p`, in step order. Points are searched in
    /// parallel (each search is independent and deterministic, so the result is the same).
    public func clips(p: Double) -> [ClipSearchResult] {
        concurrentMap(count: plan.points.count) { index in
            let point = plan.points[index]
            return search(index) { source in
                LpClipping.optimalClip(for: source, bits: point.bits, isSigned: point.isSigned, p: p)
            }
        }.flatMap { $0 }
    }

    /// Max-abs scaling (α = max |x|) of every step: the no-clipping baseline.
    public func maxAbsClips() -> [ClipSearchResult] {
        plan.points.indices.flatMap { index in
            let point = plan.points[index]
            return search(index) { source in
                LpClipping.maxAbsClip(for: source, bits: point.bits, isSigned: point.isSigned)
            }
        }
    }

    /// Weights at max-abs, activations clipped at `threshold` of their histogram of |x| (the
    /// fold of the collected histogram, which must have twice the bins the rule reads): the
    /// percentile and entropy baselines, applied as onnxruntime and ModelOpt apply them. In
    /// step order (a per-channel weight: max-abs per channel).
    public func magnitudeThresholdClips(
        _ threshold: @Sendable (Histogram, QuantizationPoint) -> Double
    ) -> [ClipSearchResult] {
        concurrentMap(count: plan.points.count) { index in
            let point = plan.points[index]
            guard let histogram = histograms[index] else {
                return search(index) { LpClipping.maxAbsClip(for: $0, bits: point.bits, isSigned: point.isSigned) }
            }
            let clip = threshold(histogram.magnitudeHistogram(), point)
            return [LpClipping.fixedClip(clip, for: histogram, bits: point.bits, isSigned: point.isSigned)]
        }.flatMap { $0 }
    }

    /// max |x| of every point, in plan order: exact for weights (over the whole tensor, also
    /// per-channel), over the calibration set for activations (the range of their histograms).
    /// The report shows α against it.
    public func maxMagnitudes() -> [Double] {
        plan.points.indices.map { index in weightMaxima[index] ?? search(index) { $0.maxMagnitude }[0] }
    }

    /// `body` over each source of point `index`: one per step size.
    private func search<Result>(_ index: Int, _ body: (any LpErrorSource) -> Result) -> [Result] {
        if let weight = weights[index] { return weight.map(body) }
        if let histogram = histograms[index] { return [body(histogram)] }
        preconditionFailure("no statistics for point \(plan.points[index].name)")
    }
}
