import LAPQData
import LAPQEngine

/// One quantization point at another width, every other point as the run left it: the network
/// whose loss says what that point costs (docs/algorithms.md, "Cost of each quantization
/// point"). The point keeps its signedness and channel axis; only its `bits` and its steps
/// change, so the result is a plan whose points differ in width, which every executor honours
/// point by point.
public struct RestoredPoint: Sendable {
    /// The run's plan with point `index` at the new width.
    public let plan: QuantizationPlan
    /// The run's steps with point `index`'s replaced, in `plan`'s layout.
    public let steps: StepVector

    /// Point `index` of `plan` at `bits` with `pointSteps` (one per step of the point), every
    /// other point at its entries of `steps` (a step vector of `plan`).
    public init(index: Int, bits: Int, pointSteps: [Double], plan: QuantizationPlan, steps: [Double]) {
        let range = plan.stepRanges[index]
        precondition(steps.count == plan.stepCount && pointSteps.count == range.count, "steps of another plan")
        var restored = plan
        restored.points[index].bits = bits
        var vector = steps
        vector.replaceSubrange(range, with: pointSteps)
        self.plan = restored
        self.steps = StepVector(vector, plan: restored)
    }

    /// Point `index` at `bits` with the max-abs steps of that width
    /// (`QuantizationPoint.maxAbsStepSizes`): a weight's from its values in `graph`, an
    /// activation's from `activationMaxima[index]` (`LossOracle.activationMaxima`).
    public init(maxAbsAt bits: Int, index: Int, plan: QuantizationPlan, steps: [Double], graph: Graph,
                activationMaxima: [Double]) {
        var point = plan.points[index]
        point.bits = bits
        self.init(index: index, bits: bits,
                  pointSteps: point.maxAbsStepSizes(in: graph, activationMaximum: activationMaxima[index]),
                  plan: plan, steps: steps)
    }
}
