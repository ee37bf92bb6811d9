/// The step vector's layout: each point's step sizes, in plan order — one for a per-tensor point,
/// one per output channel for a per-channel weight (docs/algorithms.md, "Per-channel weights").
extension QuantizationPlan {
    /// The length of a step vector for this plan.
    public var stepCount: Int { points.reduce(0) { $0 + $1.stepCount } }

    /// Where each point's step sizes sit in the step vector, by point index.
    public var stepRanges: [Range<Int>] {
        var start = 0
        return points.map { point in
            defer { start += point.stepCount }
            return start..<(start + point.stepCount)
        }
    }

    /// The flat step vector of one multiplier per point applied to `base` (a step vector):
    /// every step of point i scaled by `multipliers[i]`. How Powell's one variable per point
    /// moves all the channels of a per-channel weight together.
    public func scaled(_ base: [Double], by multipliers: [Double]) -> [Double] {
        precondition(base.count == stepCount && multipliers.count == points.count, "step vector of another plan")
        return zip(stepRanges, multipliers).flatMap { range, multiplier in base[range].map { $0 * multiplier } }
    }

    /// The weight point of layer `node` (at `index`), with one step per output channel when the
    /// settings ask for per-channel weights.
    static func weightPoint(of node: Node, at index: Int, in graph: Graph, settings: PlanSettings) -> QuantizationPoint {
        let tensor = node.inputs[1]
        var point = QuantizationPoint(tensor: tensor, kind: .weight, consumers: [node.name], position: index,
                                      bits: settings.weightBits, isSigned: true)
        if settings.weightGranularity == .perChannel, let shape = graph.initializers[tensor]?.shape, !shape.isEmpty {
            let axis = outputChannelAxis(of: node.op, weightRank: shape.count)
            point.channelAxis = axis
            point.stepCount = shape[axis]
        }
        return point
    }

    /// Where a layer's weight keeps its output channels: the first axis of a Conv weight
    /// (C_out, C_in/g, kH, kW) and of a transB = 1 Gemm weight (N, K); the last of a MatMul or
    /// transB = 0 Gemm weight (…, K, N).
    static func outputChannelAxis(of op: Operator, weightRank: Int) -> Int {
        switch op {
        case .gemm(let attributes) where attributes.transB: return 0
        case .gemm, .matMul: return weightRank - 1
        default: return 0
        }
    }
}
