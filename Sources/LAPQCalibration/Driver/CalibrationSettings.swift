import LAPQMath

/// How step sizes are chosen. `lapq` is the paper's method; the others are the baselines users
/// compare it against (and LAPQ's own intermediate result).
public enum CalibrationMethod: String, Sendable, Codable, CaseIterable {
    /// Phases 1–3: Lp init over the p grid, quadratic fit, Powell on the calibration loss.
    case lapq
    /// Phases 1–2 only: the Lp-optimal steps at the fitted p*.
    case lpInit = "lp-init"
    /// The MSE-optimal clip (p = 2) for every tensor, no loss evaluation.
    case mmse
    /// α = max |x| for every tensor (no clipping).
    case maxabs
    /// onnxruntime's percentile calibration (99.999th percentile of |x|) for activations,
    /// max-abs for weights.
    case percentile
    /// TensorRT's KL-divergence (entropy) calibration, as NVIDIA ModelOpt's, for activations,
    /// max-abs for weights.
    case entropy

    /// Whether the method reads histograms of |x| (`Histogram.magnitudeHistogram`), for which the
    /// statistics pass collects twice the bins.
    public var usesMagnitudeHistograms: Bool { self == .percentile || self == .entropy }
}

/// Everything that determines a calibration's result (besides the model and the data).
public struct CalibrationSettings: Sendable, Codable, Equatable {
    public var method: CalibrationMethod = .lapq
    /// The p values of the layer-wise initialization; default linspace(2, 4, 10).
    public var pGrid: [Double] = CalibrationSettings.linspace(2, 4, count: 10)
    /// Bins of each activation histogram.
    public var histogramBins = 2048
    /// Powell's options over the normalized step sizes; default maxiter 2, xtol = ftol = 1e-4.
    /// `maxEvaluations` caps the loss evaluations of phase 3 (`--max-evals`).
    public var powell = PowellOptions(xTolerance: 1e-4, fTolerance: 1e-4, maxIterations: 2,
                                      reusesCurrentValue: true)
    /// The range Powell keeps every step size in; nil = unbounded (`--unbounded-powell`, and
    /// every record written before the bounds existed, so it resumes as it ran).
    public var stepBounds: StepBounds? = StepBounds()
    /// How phase 2 picks the p Powell starts from (`--p-star`).
    public var pStarRule = PStarRule.vertex

    public init() {}

    /// The synthesized decoding, except that a record written before `pStarRule` existed ran
    /// with the vertex, and resumes so.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        method = try container.decode(CalibrationMethod.self, forKey: .method)
        pGrid = try container.decode([Double].self, forKey: .pGrid)
        histogramBins = try container.decode(Int.self, forKey: .histogramBins)
        powell = try container.decode(PowellOptions.self, forKey: .powell)
        stepBounds = try container.decodeIfPresent(StepBounds.self, forKey: .stepBounds)
        pStarRule = try container.decodeIfPresent(PStarRule.self, forKey: .pStarRule) ?? .vertex
    }

    /// The `calibrate` flag behind each setting, for `--resume`'s refusals.
    public static let flags: [String: String] = [
        "method": "--method", "powell": "--max-evals / --max-iterations", "stepBounds": "--unbounded-powell",
        "pStarRule": "--p-star",
    ]

    /// numpy.linspace(start, stop, count).
    public static func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
        precondition(count >= 2, "linspace needs at least two points")
        return (0..<count).map { start + (stop - start) * Double($0) / Double(count - 1) }
    }
}

/// Where LAPQ's phase 2 leaves Powell's start (docs/algorithms.md, "Quadratic approximation in p").
public enum PStarRule: String, Sendable, Codable, CaseIterable {
    /// The paper's: the fitted parabola's vertex (the best sample when the fit is unusable).
    case vertex
    /// Whichever measured Δ(p) has the lowest loss: the vertex's or a sampled p's.
    case lowestLoss = "lowest-loss"
    /// Powell from the vertex, and from the lowest-loss sample when it scored below the vertex;
    /// the start that ends at the lower calibration loss is kept.
    case both
}

/// Bounds on Powell's step sizes that keep every layer alive (docs/algorithms.md, "Step bounds"):
///
///     lowestFractionOfStart · Δ(p*)  ≤  Δ  ≤  max(max|x| / qmax, Δ(p*))
///
/// The upper end is the max-abs step (α ≤ max|x|, the range phase 1 searches the clip in):
/// there the largest magnitude rounds to the top level and at 2 bits every |x| > max|x|/2 is
/// still non-zero, so no layer shrinks to a few surviving values; the lower end keeps a layer's
/// output from shrinking until the next quantizer rounds it all to 0.
public struct StepBounds: Sendable, Codable, Equatable {
    /// The smallest step, as a fraction of the Lp-optimal Δ(p*).
    public var lowestFractionOfStart = 0.1

    public init() {}

    /// The bounds on Powell's variables x = Δ / Δ(p*), per point: the start x = 1 is always inside.
    public func normalized(startSteps: [Double], maxMagnitudes: [Double], quantMax: [Int]) -> PowellBounds {
        precondition(startSteps.count == maxMagnitudes.count && startSteps.count == quantMax.count,
                     "one start step, max |x| and qmax per point")
        let upper = startSteps.indices.map { index in
            max(maxMagnitudes[index] / Double(quantMax[index]) / startSteps[index], 1)
        }
        return PowellBounds(lower: startSteps.map { _ in lowestFractionOfStart }, upper: upper)
    }
}
