import LAPQData
import LAPQEngine
import LAPQMath

/// Runs the LAPQ method (Nahshan et al. 2021) against a `LossOracle`: float baseline →
/// activation statistics → Lp-optimal steps for every p of the grid → one batched evaluation
/// of them → quadratic fit and p* → Powell over the step sizes normalized by Δ(p*).
/// The baselines (`mmse`, `maxabs`, `lp-init`, `percentile`, `entropy`) stop earlier. See docs/algorithms.md.
///
/// I/O stays outside: progress and checkpoints go to the closures given. After every phase and
/// every Powell line search the `CalibrationRecord` is handed to `checkpoint`; a driver created
/// with that record resumes and, the oracle being deterministic, reaches the same result.
public final class CalibrationDriver {
    public let graph: Graph
    public let plan: QuantizationPlan
    private let oracle: LossOracle
    private var record: CalibrationRecord
    private let progress: (CalibrationProgress) -> Void
    private let checkpoint: (CalibrationRecord) throws -> Void
    /// Scores of the step vectors evaluated by Powell, to report the final score's top-1
    /// without evaluating it again.
    private var powellScores: [[Double]: BatchScore] = [:]
    /// The phase that evaluations are counted under (`CalibrationRecord.phaseEvaluations`).
    private var phase = CalibrationProgress.Phase.floatBaseline
    /// Powell's position for the progress line; set when Powell starts.
    private var powellNote: PowellProgressNote?

    /// - Parameter inputs: the digests of the model and calibration files, recorded in the
    ///   checkpoint and compared on resume (nil when the caller has no files, as in tests).
    public init(graph: Graph, plan: QuantizationPlan, oracle: LossOracle, settings: CalibrationSettings,
                inputs: InputDigests? = nil, resumeFrom saved: CalibrationRecord? = nil,
                progress: @escaping (CalibrationProgress) -> Void = { _ in },
                checkpoint: @escaping (CalibrationRecord) throws -> Void = { _ in }) throws {
        let names = plan.points.map(\.name)
        if let saved, let reason = ResumeCheck.refusal(saved: saved, settings: settings, plan: plan.settings,
                                                        pointNames: names, inputs: inputs) {
            throw CalibrationError.resumeMismatch(reason)
        }
        self.graph = graph
        self.plan = plan
        self.oracle = oracle
        self.record = saved ?? CalibrationRecord(settings: settings, plan: plan.settings, pointNames: names, inputs: inputs)
        self.progress = progress
        self.checkpoint = checkpoint
    }

    /// Runs (or finishes) the calibration and returns the complete record.
    public func run() throws -> CalibrationRecord {
        if record.floatScore == nil {
            report(.floatBaseline)
            let floatScore = try evaluate([.float])[0]
            if !floatScore.meanLoss.isFinite { try explainNonFiniteFloatLoss() }
            record.floatScore = floatScore
            try checkpoint(record)
        }
        if record.initialSteps == nil { try initialize() }
        if record.settings.method == .lapq {
            if record.finalSteps == nil { try optimize() }
            try optimizeFromTheAlternativeStart()
        }
        if record.finalSteps == nil {
            record.finalSteps = record.initialSteps
            record.finalScore = record.initialScore
        }
        try checkpoint(record)
        report(.done, current: record.finalScore?.meanLoss)
        return record
    }

    /// Throws the reason the float network's loss is NaN or ±∞ on the calibration data: the
    /// first activation point holding such values (the statistics pass names its node), else the
    /// logits. A run must not go on to calibrate against a meaningless loss.
    private func explainNonFiniteFloatLoss() throws -> Never {
        _ = try oracle.activationMaxima()
        let logits = graph.outputs.first ?? "output"
        throw ExecutionError.nonFinite(node: graph.producer(of: logits)?.name, tensor: logits)
    }

    /// Phases 1 and 2 (or the baseline's single rule): the starting step sizes and their score.
    private func initialize() throws {
        report(.statistics, message: "activation maxima")
        let maxima = try oracle.activationMaxima()
        report(.statistics, message: "activation histograms")
        let method = record.settings.method
        let binCount = record.settings.histogramBins * (method.usesMagnitudeHistograms ? 2 : 1)
        let histograms = try oracle.activationHistograms(maxima: maxima, binCount: binCount)
        let initialization = LayerwiseInitialization(graph: graph, plan: plan, histograms: histograms)
        report(.layerwiseInit)
        record.maxMagnitudes = initialization.maxMagnitudes()
        let clips: [ClipSearchResult]
        switch method {
        case .maxabs: clips = initialization.maxAbsClips()
        case .mmse: clips = initialization.clips(p: 2)
        case .lapq, .lpInit: clips = initialization.clips(p: try sweepP(initialization))
        case .percentile:
            clips = initialization.magnitudeThresholdClips { magnitudes, _ in
                HistogramCalibration.percentileThreshold(magnitudes)
            }
        case .entropy:
            clips = initialization.magnitudeThresholdClips { magnitudes, point in
                HistogramCalibration.entropyThreshold(
                    magnitudes, quantizedBins: HistogramCalibration.entropyQuantizedBins(bits: point.bits,
                                                                                         isSigned: point.isSigned))
            }
        }
        record.initialClips = clips.map(\.clipValue)
        record.initialSteps = clips.map(\.stepSize)
        record.initialScore = try evaluate([vector(record.initialSteps)])[0]
        if method == .lapq || method == .lpInit { startFromLowestMeasuredLoss(initialization) }
        try checkpoint(record)
    }

    /// With `PStarRule.lowestLoss`: when a sampled Δ(p) scored below Δ(p*), start from it (its
    /// score is known, so this costs no evaluation). With `PStarRule.both` that sample becomes
    /// LAPQ's alternative start, for Powell to run from after the vertex; lp-init, which has no
    /// Powell to run twice, keeps the lower of the two measured losses, as `lowestLoss` does.
    private func startFromLowestMeasuredLoss(_ initialization: LayerwiseInitialization) {
        let rule = record.settings.pStarRule
        guard rule != .vertex, let vertexScore = record.initialScore, let pStar = record.pStar,
              let best = record.pSweep.min(by: { $0.score.meanLoss < $1.score.meanLoss }),
              best.score.meanLoss < vertexScore.meanLoss else { return }
        let clips = initialization.clips(p: best.p)
        let source = "sampled p with the lowest loss (\(formatNumber(best.score.meanLoss)) against "
            + "\(formatNumber(vertexScore.meanLoss)) at p = \(formatNumber(pStar)), \(record.pStarSource ?? "")"
            + "; --p-star \(rule.rawValue))"
        let sample = PowellStart(pStar: best.p, pStarSource: source, initialClips: clips.map(\.clipValue),
                                 initialSteps: clips.map(\.stepSize), initialScore: best.score)
        if rule == .both, record.settings.method == .lapq {
            record.alternativeStart = sample
        } else {
            record.currentStart = sample
        }
    }

    /// `PStarRule.both`, once Powell from the vertex has finished: Powell again from the sampled
    /// start, then the record keeps whichever start ended at the lower calibration loss (the
    /// sample on an exact tie) and holds the other as `alternativeStart`. A resumed run picks up where
    /// it stopped: the second start's Powell state is the record's own.
    private func optimizeFromTheAlternativeStart() throws {
        guard let alternative = record.alternativeStart else { return }
        if !alternative.isFinished {
            record.swapStarts()
            // Powell's scores are keyed by x = Δ / Δ(p*), relative to the other start's steps.
            powellScores = [:]
            try checkpoint(record)
            report(.powell, message: "Powell again, from p = \(formatNumber(record.pStar ?? .nan)) (--p-star both)")
            try optimize()
        }
        // Strictly lower, so that a resumed finished run does not swap back.
        if let own = record.finalScore, let other = record.alternativeStart?.finalScore, other.meanLoss < own.meanLoss {
            record.swapStarts()
        }
    }

    /// Phase 2: scores every Δ(p) in one batch, fits the parabola, returns p*.
    private func sweepP(_ initialization: LayerwiseInitialization) throws -> Double {
        let grid = record.settings.pGrid
        let candidates = grid.map { initialization.clips(p: $0).map(\.stepSize) }
        report(.pSweep, limit: record.evaluations + grid.count)
        let scores = try evaluate(candidates.map { StepVector($0, plan: plan) })
        record.pSweep = zip(grid, zip(candidates, scores)).map { PSample(p: $0, stepSizes: $1.0, score: $1.1) }
        let losses = scores.map(\.meanLoss)
        let choice = QuadraticFit(points: grid, losses: losses).choice(points: grid, losses: losses)
        switch choice {
        case .vertex(let p):
            record.pStarSource = "vertex of the fitted parabola"
            record.pStar = p
        case let .bestSample(p, reason):
            record.pStarSource = "best sampled p (the fit is \(reason.rawValue))"
            record.pStar = p
        }
        return choice.p
    }

    /// Phase 3: Powell's method over x = Δ / Δ(p*), one x per point (all channels of a
    /// per-channel weight move together), starting at x = 1.
    private func optimize() throws {
        guard let initialSteps = record.initialSteps, !initialSteps.isEmpty else { return }
        // The cap is Powell's own; progress counts every evaluation of the run.
        let before = record.evaluations - (record.powell?.evaluations ?? 0)
        let limit = record.settings.powell.maxEvaluations.map { $0 + before }
        let objective = { (points: [[Double]]) throws -> [Double] in
            let steps = points.map { self.steps(initialSteps, normalized: $0) }
            let scores = try self.evaluate(steps.map { StepVector($0, plan: self.plan) })
            for (point, score) in zip(points, scores) {
                self.powellScores[point] = score
                if score.meanLoss < self.record.powellBest?.score.meanLoss ?? .infinity {
                    self.record.powellBest = PowellPoint(x: point, score: score)
                }
            }
            self.reportPowell(limit: limit, current: scores.last?.meanLoss)
            return scores.map(\.meanLoss)
        }
        report(.powell, limit: limit)
        let options = powellOptions(initialSteps)
        powellNote = PowellProgressNote(iterationLimit: options.maxIterations)
        var minimizer = try record.powell.map { PowellMinimizer(resumingFrom: $0, options: options) }
            ?? PowellMinimizer(start: Array(repeating: 1, count: plan.points.count),
                               options: options, batchObjective: objective)
        powellNote?.update(minimizer.state, evaluations: record.evaluations)
        let result = try minimizer.run(afterStep: { state in
            self.powellNote?.update(state, evaluations: self.record.evaluations)
            self.record.powell = state
            // Unchanged x keeps the score recorded before (a resumed run has not evaluated it).
            if let score = self.powellScores[state.x] { self.record.powellCurrent = PowellPoint(x: state.x, score: score) }
            self.record.powellTrace.append(state.value)
            if state.iteration > self.record.powellIterations?.last?.iteration ?? 0 {
                self.record.powellIterations = (self.record.powellIterations ?? [])
                    + [PowellIteration(iteration: state.iteration, loss: state.value, evaluations: self.record.evaluations)]
            }
            try self.checkpoint(self.record)
        }, batchObjective: objective)
        var x = result.x
        // A resumed run has no scores from before its stop; the record has the current point's.
        let known = powellScores[x] ?? (record.powellCurrent?.x == x ? record.powellCurrent?.score : nil)
        var score = try known ?? evaluate([StepVector(steps(initialSteps, normalized: x), plan: plan)])[0]
        if let best = record.powellBest, best.score.meanLoss < score.meanLoss {
            (x, score) = (best.x, best.score)
        }
        record.finalScore = score
        record.finalSteps = steps(initialSteps, normalized: x)
    }

    /// The settings' Powell options with the step bounds for these starting steps (derived from
    /// the record each time, so a resumed run gets the same bounds). A per-channel point's one
    /// multiplier is bounded by its smallest channel step: the upper bound is then where even
    /// that channel's largest weight rounds below the first level, a loose but finite box.
    private func powellOptions(_ initialSteps: [Double]) -> PowellOptions {
        var options = record.settings.powell
        if let bounds = record.settings.stepBounds, let maxima = record.maxMagnitudes, maxima.count == plan.points.count {
            let levels = plan.points.map { UniformQuantizer.quantMax(bits: $0.bits, isSigned: $0.isSigned) }
            let starts = plan.stepRanges.map { range in initialSteps[range].min() ?? 1 }
            options.bounds = bounds.normalized(startSteps: starts, maxMagnitudes: maxima, quantMax: levels)
        }
        return options
    }

    /// Δ_{i,c} = Δ(p*)_{i,c} · |x_i| for every step c of point i, |x_i| kept away from 0: the
    /// loss is a function of |Δ| only, and a line search may step through 0.
    func steps(_ initial: [Double], normalized x: [Double]) -> [Double] {
        plan.scaled(initial, by: x.map { max(abs($0), 1e-6) })
    }

    /// The record's steps as a step vector; nil (none yet) is the float network. Not checked
    /// against the plan here: steps read from a checkpoint of another length are the
    /// executor's error to throw, not a trap.
    private func vector(_ steps: [Double]?) -> StepVector {
        steps.map(StepVector.quantized) ?? .float
    }

    private func evaluate(_ vectors: [StepVector]) throws -> [BatchScore] {
        let scores = try oracle.evaluate(vectors)
        record.evaluations += vectors.count
        record.phaseEvaluations = record.phaseEvaluations ?? [:]
        record.phaseEvaluations?[phase.rawValue, default: 0] += vectors.count
        return scores
    }

    private func report(_ phase: CalibrationProgress.Phase, limit: Int? = nil, current: Double? = nil,
                        message: String? = nil, remaining: Int? = nil) {
        self.phase = phase
        progress(CalibrationProgress(phase: phase, evaluations: record.evaluations, evaluationLimit: limit,
                                     currentLoss: current, message: message, estimatedRemainingEvaluations: remaining))
    }

    /// A Powell report with its position and estimate (`PowellProgressNote`).
    private func reportPowell(limit: Int?, current: Double? = nil) {
        let note = powellNote?.note(evaluations: record.evaluations)
        report(.powell, limit: limit, current: current, message: note?.message, remaining: note?.remaining)
    }
}

/// What a user can get wrong when running or resuming a calibration.
public enum CalibrationError: Error, Equatable, CustomStringConvertible {
    case resumeMismatch(String)

    public var description: String {
        switch self {
        case .resumeMismatch(let reason): return "cannot resume: \(reason)"
        }
    }
}
