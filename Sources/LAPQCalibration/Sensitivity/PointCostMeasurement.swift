import LAPQData
import LAPQEngine
import LAPQMath

/// Measures what each quantization point of a finished run costs on a data set: the float
/// network, the run's quantized network (its final steps: the baseline) and, for each point in
/// plan order, the network with that point alone restored to `restoredBits` at max-abs steps
/// (`RestoredPoint`). Every score comes from a `LocalLossOracle`, reduced in shard order, so it
/// is the loss `evaluate` would report for the same network. One oracle per restored point,
/// since a point's width is part of the plan an oracle's executors are built for.
public struct PointCostMeasurement {
    public struct Scores: Sendable, Equatable {
        public var float: BatchScore
        public var baseline: BatchScore
        /// Per point, in plan order: the score with that point restored.
        public var restored: [BatchScore]
    }

    public let graph: Graph
    public let plan: QuantizationPlan
    /// The run's final steps, in `plan`'s layout.
    public let finalSteps: [Double]
    public let restoredBits: Int
    public let local: LocalWorkers

    /// Throws `JobError.restoredWidth` unless `restoredBits` is a width lapq quantizes to and
    /// above every point's own: restoring to a width a point already has measures nothing.
    public init(graph: Graph, plan: QuantizationPlan, finalSteps: [Double], restoredBits: Int,
                local: LocalWorkers = LocalWorkers()) throws {
        precondition(finalSteps.count == plan.stepCount, "final steps of another plan")
        let widths = UniformQuantizer.quantizedBitWidths
        guard widths.contains(restoredBits) else {
            throw JobError.restoredWidth(bits: restoredBits, reason: "lapq quantizes to \(widths.lowerBound)…\(widths.upperBound) bits")
        }
        if let point = plan.points.first(where: { $0.bits >= restoredBits }) {
            throw JobError.restoredWidth(bits: restoredBits, reason: "not above the \(point.bits) bits of \(point.name) in the run; "
                + "give a width above every point's")
        }
        self.graph = graph
        self.plan = plan
        self.finalSteps = finalSteps
        self.restoredBits = restoredBits
        self.local = local
    }

    /// Scores every network over `shards`; `log` hears one line per network measured.
    public func run(shards: CalibrationShards, log: (String) -> Void = { _ in }) throws -> Scores {
        let (float, baseline, maxima) = try measureRun(shards: shards)
        log("float: \(Self.describe(float)); quantized at the run's steps: \(Self.describe(baseline))")
        var restored: [BatchScore] = []
        for index in plan.points.indices {
            let point = RestoredPoint(maxAbsAt: restoredBits, index: index, plan: plan, steps: finalSteps, graph: graph,
                                      activationMaxima: maxima)
            let score = try local.oracle(graph: graph, plan: point.plan, shards: shards).evaluate([point.steps])[0]
            restored.append(score)
            log("point \(index + 1)/\(plan.points.count) \(plan.points[index].name) at \(restoredBits) bits: \(Self.describe(score)), "
                + "Δloss \(formatNumber(baseline.meanLoss - score.meanLoss))")
        }
        return Scores(float: float, baseline: baseline, restored: restored)
    }

    /// The float and baseline scores and the activation maxima, on the run's own plan; its
    /// oracle is released before the restored points build theirs.
    private func measureRun(shards: CalibrationShards) throws -> (BatchScore, BatchScore, [Double]) {
        let oracle = try local.oracle(graph: graph, plan: plan, shards: shards)
        let scores = try oracle.evaluate([.float, StepVector(finalSteps, plan: plan)])
        return (scores[0], scores[1], try oracle.activationMaxima())
    }

    private static func describe(_ score: BatchScore) -> String {
        "loss \(formatNumber(score.meanLoss)), top-1 \(formatPercent(score.accuracy))"
    }
}
