import LAPQData
import LAPQEngine
import LAPQMath

/// The lowest-loss point Powell evaluated so far (normalized x = Δ / Δ(p*)) and its score.
public struct PowellBest: Sendable, Codable, Equatable {
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
    public var powellBest: PowellBest?
    public var finalSteps: [Double]?
    public var finalScore: BatchScore?
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
