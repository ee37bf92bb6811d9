import LAPQEngine

/// One point of LAPQ's search space, as an oracle scores it and a JOB carries it: the step sizes
/// Δ of every quantization point of a plan, in the plan's layout (`QuantizationPlan.stepRanges`:
/// one Δ for a per-tensor point, one per output channel of a per-channel weight) — or the float
/// network, which quantizes nothing.
public enum StepVector: Hashable, Sendable, ExpressibleByArrayLiteral {
    /// The float network: no point quantized.
    case float
    /// Δs in a plan's layout.
    case quantized([Double])

    /// `steps` in `plan`'s layout; their count must be the plan's `stepCount`.
    public init(_ steps: [Double], plan: QuantizationPlan) {
        precondition(steps.count == plan.stepCount, "\(steps.count) step sizes for a plan of \(plan.stepCount)")
        self = .quantized(steps)
    }

    /// `[0.5, 0.25]`: these Δs (a literal is not checked against a plan; the executor checks
    /// the count when it applies them).
    public init(arrayLiteral steps: Double...) {
        self = .quantized(steps)
    }

    /// The Δs as an executor takes them: nil for the float network.
    public var steps: [Double]? {
        guard case let .quantized(steps) = self else { return nil }
        return steps
    }

    /// The Δs of point `index` of `plan` (one, or one per output channel); nil for the float
    /// network. The vector must be laid out for `plan`.
    public func steps(ofPoint index: Int, in plan: QuantizationPlan) -> ArraySlice<Double>? {
        guard case let .quantized(steps) = self else { return nil }
        precondition(steps.count == plan.stepCount, "a step vector of another plan")
        return steps[plan.stepRanges[index]]
    }
}
