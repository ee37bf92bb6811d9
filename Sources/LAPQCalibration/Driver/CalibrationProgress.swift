import Foundation

/// What the driver reports while it works; the CLI renders it as a live line or log lines.
public struct CalibrationProgress: Sendable {
    public enum Phase: String, Sendable, CaseIterable {
        case floatBaseline = "float baseline"
        case statistics
        case layerwiseInit = "Lp init"
        case pSweep = "p sweep"
        case powell
        case done
    }

    public var phase: Phase
    /// Loss evaluations so far.
    public var evaluations: Int
    /// The evaluation cap of this phase, if any (for an ETA).
    public var evaluationLimit: Int?
    /// The mean loss of the step vector scored last, if this report follows an evaluation.
    public var currentLoss: Double?
    public var message: String?
    /// The driver's estimate of this phase's evaluations left (Powell: `PowellPosition`), if any.
    public var estimatedRemainingEvaluations: Int?

    public init(phase: Phase, evaluations: Int, evaluationLimit: Int? = nil, currentLoss: Double? = nil,
                message: String? = nil, estimatedRemainingEvaluations: Int? = nil) {
        self.phase = phase
        self.evaluations = evaluations
        self.evaluationLimit = evaluationLimit
        self.currentLoss = currentLoss
        self.message = message
        self.estimatedRemainingEvaluations = estimatedRemainingEvaluations
    }

    /// The evaluations this phase has left: the estimate, or what the cap allows when that is
    /// fewer (then `isBound`: the run ends there at the latest). Nil when neither is known.
    public var remainingEvaluations: (count: Int, isBound: Bool)? {
        let bound = evaluationLimit.map { max($0 - evaluations, 0) }
        switch (estimatedRemainingEvaluations, bound) {
        case let (estimate?, bound?): return bound < estimate ? (bound, true) : (estimate, false)
        case let (estimate?, nil): return (estimate, false)
        case let (nil, bound?): return (bound, true)
        case (nil, nil): return nil
        }
    }

    /// A time left as a progress line shows it: "42s", "17m", "2h05m".
    public static func durationText(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 100 { return "\(whole)s" }
        let minutes = Int((seconds / 60).rounded())
        if minutes < 120 { return "\(minutes)m" }
        return "\(minutes / 60)h" + String(format: "%02dm", minutes % 60)
    }
}
