import LAPQMath

/// A plan bound to a graph's node indices, plus the step sizes currently applied: what each
/// executor asks per node ("does node i read a fake-quantized input or weight, with which
/// quantizer?").
struct QuantizationBinding {
    let plan: QuantizationPlan
    let graph: Graph
    /// For each node: the point that quantizes its activation operand (operand 0), if any.
    let activationPoint: [Int?]
    /// For each node: the point that quantizes its weight operand (operand 1), if any.
    let weightPoint: [Int?]
    /// The quantizer of every point (a per-channel weight's has one per channel), or nil while
    /// the network runs in float.
    private(set) var quantizers: [AxisQuantizer]?

    init(plan: QuantizationPlan, graph: Graph) throws {
        var activationPoint = [Int?](repeating: nil, count: graph.nodes.count)
        var weightPoint = [Int?](repeating: nil, count: graph.nodes.count)
        let nodeIndex = Dictionary(uniqueKeysWithValues: graph.nodes.enumerated().map { ($1.name, $0) })
        for (pointIndex, point) in plan.points.enumerated() {
            for consumer in point.consumers {
                guard let index = nodeIndex[consumer] else {
                    throw ExecutionError.planMismatch("quantization point '\(point.name)' names node '\(consumer)', which the graph lacks")
                }
                let operand = point.kind == .weight ? 1 : 0
                guard graph.nodes[index].inputs.indices.contains(operand),
                      graph.nodes[index].inputs[operand] == point.tensor else {
                    throw ExecutionError.planMismatch("node '\(consumer)' does not read '\(point.tensor)' as its \(point.kind.rawValue)")
                }
                if point.kind == .weight { weightPoint[index] = pointIndex } else { activationPoint[index] = pointIndex }
            }
        }
        self.plan = plan
        self.graph = graph
        self.activationPoint = activationPoint
        self.weightPoint = weightPoint
    }

    /// Applies a step vector in the plan's layout (`QuantizationPlan.stepRanges`: one Δ per
    /// point, one per channel for a per-channel weight; nil: float) and returns the indices of
    /// the points whose quantizer changed. Throws when a step is not positive and finite or the
    /// count is wrong.
    mutating func setStepSizes(_ stepSizes: [Double]?) throws -> [Int] {
        guard let stepSizes else {
            defer { quantizers = nil }
            return quantizers == nil ? [] : Array(plan.points.indices)
        }
        guard stepSizes.count == plan.stepCount else {
            throw ExecutionError.stepCount(expected: plan.stepCount, got: stepSizes.count)
        }
        var updated: [AxisQuantizer] = []
        for (point, range) in zip(plan.points, plan.stepRanges) {
            let channels = try stepSizes[range].map { step in
                let stepSize = Float(step)
                guard stepSize > 0, stepSize.isFinite else {
                    throw ExecutionError.invalidStepSize(point: point.name, value: step)
                }
                return point.quantizer(stepSize: stepSize)
            }
            updated.append(point.channelAxis.map { AxisQuantizer(channels: channels, axis: $0) } ?? AxisQuantizer(channels[0]))
        }
        defer { quantizers = updated }
        guard let previous = quantizers else { return Array(plan.points.indices) }
        return plan.points.indices.filter { previous[$0] != updated[$0] }
    }

    /// The quantizer of node `node`'s input (activation points are per-tensor).
    func activationQuantizer(node: Int) -> UniformQuantizer? {
        activationPoint[node].flatMap { quantizers?[$0].channels[0] }
    }

    func weightQuantizer(node: Int) -> AxisQuantizer? {
        weightPoint[node].flatMap { quantizers?[$0] }
    }
}
