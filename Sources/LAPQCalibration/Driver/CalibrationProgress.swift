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
}
