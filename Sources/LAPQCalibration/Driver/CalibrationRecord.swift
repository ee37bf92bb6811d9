import LAPQData
import LAPQEngine
import LAPQMath

/// A point Powell evaluated (normalized x = Δ / Δ(p*)) and its score.
public struct PowellPoint: Sendable, Codable, Equatable {
    public var x: [Double]
    public var score: BatchScore
}

/// Powell's loss at the end of one iteration (a line search along every direction), and the
/// run's loss evaluations up to then.
public struct PowellIteration: Sendable, Codable, Equatable {
    public var iteration: Int
    public var loss: Double
    public var evaluations: Int
}

/// One evaluated point of the p sweep (phase 2).
public struct PSample: Sendable, Codable, Equatable {
    public var p: Double
    public var stepSizes: [Double]
    public var score: BatchScore
}

/// What a calibration has established so far. Written after every phase and every Powell line
/// search (`--resume` continues from it), and complete at the end: `steps.json` and the report
/// are made from it.
public struct CalibrationRecord: Sendable, Codable, Equatable {
    public var settings: CalibrationSettings
    /// What was quantized; a resume with other plan settings is refused (`ResumeCheck`).
    public var plan: PlanSettings
    /// The plan's point names, to refuse resuming with a model whose points differ.
    public var pointNames: [String]
    /// The SHA-256 of the model and calibration manifest the run read, when the caller knew
    /// the files (a `CalibrationJob` does); a resume on other files is refused.
    public var inputs: InputDigests?
    public var floatScore: BatchScore?
    /// max |x| per plan point (`LayerwiseInitialization.maxMagnitudes`); nil in checkpoints
    /// written before it was recorded.
    public var maxMagnitudes: [Double]?
    /// The Lp-optimal clips (α) and steps (Δ) of the chosen starting point, per plan point.
    public var initialClips: [Double]?
    public var initialSteps: [Double]?
    public var initialScore: BatchScore?
    public var pSweep: [PSample] = []
    public var pStar: Double?
    /// Why p* is the fit's vertex or the best sample (`QuadraticFit.Choice`).
    public var pStarSource: String?
    /// Powell's state after its last completed line search.
    public var powell: PowellState?
    /// Mean loss after each completed Powell line search (for the report).
    public var powellTrace: [Double] = []
    /// Powell's loss after each iteration; nil in checkpoints written before it was recorded.
    public var powellIterations: [PowellIteration]?
    /// Loss evaluations per phase (`CalibrationProgress.Phase` raw values), so a user sees what
    /// each phase cost; nil in checkpoints written before it was recorded.
    public var phaseEvaluations: [String: Int]?
    /// The best point of every Powell evaluation so far: the result when Powell stops (at its
    /// evaluation cap, mid line search) on a worse point than one it has already seen.
    public var powellBest: PowellPoint?
    /// Powell's current point (its state's x) and its score, so that a resumed run knows the
    /// score of the point Powell stops at without evaluating it again; nil in checkpoints
    /// written before it was recorded.
    public var powellCurrent: PowellPoint?
    public var finalSteps: [Double]?
    public var finalScore: BatchScore?
    /// With `--p-star both`, the start Powell is not (or no longer) running from: the sampled
    /// Δ(p) while Powell runs from the vertex, then the vertex's finished run, and in the end
    /// whichever start finished at the higher loss. Nil for the other rules, and when the vertex
    /// scored lowest.
    public var alternativeStart: PowellStart?
    /// Loss evaluations so far (step vectors scored).
    public var evaluations = 0
    /// A distributed run's numerics classes so far (which class computed which shards), so
    /// that `--resume` keeps every shard in its class (`LossOracle.restoreNumericsClasses`).
    public var numericsClasses: NumericsClasses?
    /// Wall seconds the processes that built this record spent on it, up to its last checkpoint
    /// (set by `CalibrationJob` as it writes one), so a run resumed after a stop still reports
    /// what it cost in all; nil in checkpoints written before it was recorded. Not a result:
    /// two identical runs differ in it.
    public var secondsSpent: Double?

    public init(settings: CalibrationSettings, plan: PlanSettings, pointNames: [String], inputs: InputDigests? = nil) {
        self.settings = settings
        self.plan = plan
        self.pointNames = pointNames
        self.inputs = inputs
    }

    public var isFinished: Bool { finalSteps != nil && finalScore != nil }
}

/// The fields of a record that belong to one start of Powell (`PStarRule.both`): where it
/// started, its Powell state, and where it ended.
public struct PowellStart: Sendable, Codable, Equatable {
    public var pStar: Double?
    public var pStarSource: String?
    public var initialClips: [Double]?
    public var initialSteps: [Double]?
    public var initialScore: BatchScore?
    public var powell: PowellState?
    public var powellTrace: [Double] = []
    public var powellIterations: [PowellIteration]?
    public var powellBest: PowellPoint?
    public var powellCurrent: PowellPoint?
    public var finalSteps: [Double]?
    public var finalScore: BatchScore?

    public var isFinished: Bool { finalSteps != nil && finalScore != nil }
}

extension CalibrationRecord {
    /// The start the record's own fields describe.
    var currentStart: PowellStart {
        get {
            PowellStart(pStar: pStar, pStarSource: pStarSource, initialClips: initialClips, initialSteps: initialSteps,
                        initialScore: initialScore, powell: powell, powellTrace: powellTrace,
                        powellIterations: powellIterations, powellBest: powellBest, powellCurrent: powellCurrent,
                        finalSteps: finalSteps, finalScore: finalScore)
        }
        set {
            (pStar, pStarSource, initialClips, initialSteps) = (newValue.pStar, newValue.pStarSource,
                                                                newValue.initialClips, newValue.initialSteps)
            (initialScore, powell, powellTrace) = (newValue.initialScore, newValue.powell, newValue.powellTrace)
            (powellIterations, powellBest, powellCurrent) = (newValue.powellIterations, newValue.powellBest,
                                                             newValue.powellCurrent)
            (finalSteps, finalScore) = (newValue.finalSteps, newValue.finalScore)
        }
    }

    /// Makes the alternative start the current one and the current one the alternative.
    mutating func swapStarts() {
        guard let alternative = alternativeStart else { return }
        alternativeStart = currentStart
        currentStart = alternative
    }
}
