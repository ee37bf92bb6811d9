/// The clip value found for one tensor, one bit width and one p.
public struct ClipSearchResult: Sendable, Codable, Equatable {
    /// α, the largest magnitude the grid represents.
    public var clipValue: Double
    /// Δ = α / qmax.
    public var stepSize: Double
    /// E|Q(x) − x|^p at α.
    public var meanError: Double
    /// Number of error evaluations the search used.
    public var evaluations: Int
}

/// Lp-optimal clipping (LAPQ phase 1; Banner et al. 2019 for p = 2, Nahshan et al. 2021 §3.1
/// for general p): for a tensor, a bit width and p, the clip α ∈ (0, max|x|] minimizing
///
///     E|Q_α(x) − x|^p,   Q_α the uniform quantizer with Δ = α / qmax.
///
/// The search runs Brent's bounded method (scipy's `minimize_scalar(method="bounded")`) over the
/// relative clip t = α / max|x| ∈ (0, 1) with absolute tolerance `relativeTolerance` on t, so the
/// precision is the same for a weight tensor of magnitude 0.05 and an activation of magnitude 50.
/// The error is not unimodal in α at very low bit widths, so the result is a local minimum, as
/// scipy's is; it is then compared with α = max|x| (which the bounded method never evaluates),
/// so the result is never worse than plain max-abs scaling in its own objective.
/// Cost: about 25 evaluations of the error, each O(n) for exact values, O(bins) for a histogram.
public enum LpClipping {
    public static let defaultRelativeTolerance = 1e-5
    public static let defaultMaxIterations = 500

    public static func optimalClip<Source: LpErrorSource>(
        for source: Source, bits: Int, isSigned: Bool, p: Double,
        relativeTolerance: Double = defaultRelativeTolerance
    ) -> ClipSearchResult {
        precondition(p > 0, "p must be positive, got \(p)")
        let maxMagnitude = source.maxMagnitude
        guard maxMagnitude > 0 else { return allZeroResult(bits: bits, isSigned: isSigned) }
        let error = { (fraction: Double) -> Double in
            source.meanLpError(clipValue: fraction * maxMagnitude, bits: bits, isSigned: isSigned, p: p)
        }
        let search = minimizeScalarBounded(
            lowerBound: 0, upperBound: 1, absoluteTolerance: relativeTolerance,
            maxIterations: defaultMaxIterations, error)
        let maxAbsError = error(1)
        let fraction = maxAbsError < search.value ? 1 : search.x
        let clipValue = fraction * maxMagnitude
        let levels = Double(UniformQuantizer.quantMax(bits: bits, isSigned: isSigned))
        return ClipSearchResult(clipValue: clipValue, stepSize: clipValue / levels,
                                meanError: min(maxAbsError, search.value),
                                evaluations: search.evaluations + 1)
    }

    /// α = max|x|: the max-abs baseline (no clipping).
    public static func maxAbsClip<Source: LpErrorSource>(
        for source: Source, bits: Int, isSigned: Bool, p: Double = 2
    ) -> ClipSearchResult {
        fixedClip(source.maxMagnitude, for: source, bits: bits, isSigned: isSigned, p: p)
    }

    /// A clip chosen by another rule (max-abs, a percentile, an entropy threshold), with its
    /// Lp error. A zero clip (an all-zero tensor, or a threshold at 0) gets Δ = 1, as
    /// onnxruntime gives a zero range scale 1.
    public static func fixedClip<Source: LpErrorSource>(
        _ clipValue: Double, for source: Source, bits: Int, isSigned: Bool, p: Double = 2
    ) -> ClipSearchResult {
        guard clipValue > 0 else { return allZeroResult(bits: bits, isSigned: isSigned) }
        let levels = Double(UniformQuantizer.quantMax(bits: bits, isSigned: isSigned))
        let error = source.meanLpError(clipValue: clipValue, bits: bits, isSigned: isSigned, p: p)
        return ClipSearchResult(clipValue: clipValue, stepSize: clipValue / levels,
                                meanError: error, evaluations: 1)
    }

    /// A tensor that is all zeros is represented exactly by any grid; Δ = 1 keeps the
    /// quantizer valid (Δ > 0) and the optimizer's normalization finite.
    private static func allZeroResult(bits: Int, isSigned: Bool) -> ClipSearchResult {
        let levels = Double(UniformQuantizer.quantMax(bits: bits, isSigned: isSigned))
        return ClipSearchResult(clipValue: levels, stepSize: 1, meanError: 0, evaluations: 0)
    }
}
