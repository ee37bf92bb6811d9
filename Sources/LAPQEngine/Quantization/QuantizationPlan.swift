/// The quantization points of a graph, in the order of their positions (weight before
/// activation at the same node). The optimizer's variables are one step size per point, in
/// this order.
public struct QuantizationPlan: Sendable, Hashable, Codable {
    public var points: [QuantizationPoint]
    /// What the user chose; the points follow from it and the graph.
    public var settings: PlanSettings

    public var weightBits: Int { settings.weightBits }
    public var activationBits: Int { settings.activationBits }
    /// Whether quantized weights get mean-only bias correction (`PlanSettings`).
    public var correctsWeightBias: Bool { settings.correctsWeightBias }

    public init(points: [QuantizationPoint], settings: PlanSettings) {
        self.points = points
        self.settings = settings
    }

    /// The plan for `graph` at the given bit widths, first and last layer in float.
    public init(graph: Graph, weightBits: Int, activationBits: Int) {
        self.init(graph: graph, settings: PlanSettings(weightBits: weightBits, activationBits: activationBits))
    }

    /// The plan for `graph` under `settings` (32 bits leaves that part in float). What the
    /// `keepFloat` patterns match stays float; a pattern that matches nothing is ignored here
    /// (see `init(validating:settings:)`).
    public init(graph: Graph, settings: PlanSettings) {
        var points: [QuantizationPoint] = []
        var activationPoint: [String: Int] = [:]
        for layer in Self.layerQuantization(of: graph, settings: settings) {
            let node = graph.nodes[layer.nodeIndex]
            if layer.weightFloatReason == nil {
                points.append(Self.weightPoint(of: node, at: layer.nodeIndex, in: graph, settings: settings))
            }
            guard layer.activationFloatReason == nil else { continue }
            if let existing = activationPoint[layer.activation] {
                points[existing].consumers.append(node.name)
            } else {
                activationPoint[layer.activation] = points.count
                points.append(QuantizationPoint(tensor: layer.activation, kind: .activation, consumers: [node.name],
                                                position: layer.nodeIndex, bits: settings.activationBits,
                                                isSigned: !Self.isNonNegative(layer.activation, in: graph)))
            }
        }
        self.init(points: points, settings: settings)
    }

    /// The Conv, Gemm and MatMul nodes with a constant weight, in graph order: the layers a plan
    /// may quantize.
    static func weightedLayers(of graph: Graph) -> [Int] {
        graph.nodes.indices.filter { weightOperand(of: graph.nodes[$0], in: graph) != nil }
    }

    /// The operand index of the constant weight of a Conv, Gemm or MatMul (always 1), or nil
    /// when the node is not one of those or that operand is not a constant.
    public static func weightOperand(of node: Node, in graph: Graph) -> Int? {
        switch node.op {
        case .conv, .gemm, .matMul:
            return graph.initializers[node.inputs[1]] != nil ? 1 : nil
        default:
            return nil
        }
    }

    /// Whether `tensor` is produced by an operation whose output is never negative.
    static func isNonNegative(_ tensor: String, in graph: Graph) -> Bool {
        guard let producer = graph.producer(of: tensor) else { return false }
        switch producer.op {
        case .relu, .sigmoid, .hardSigmoid, .softmax, .sqrt: return true   // HardSwish reaches −0.375
        case .clip(let lower, _): return lower >= 0
        case .maxPool, .averagePool, .globalAveragePool, .flatten, .reshape, .concat, .transpose, .slice, .reduceMean:
            // Pooling, averaging, reshaping, permuting, slicing and concatenation keep the sign
            // of their inputs.
            return producer.inputs.allSatisfy { isNonNegative($0, in: graph) }
        case .pad(let attributes):
            // Padding repeats input values, or adds the fill.
            return (attributes.mode != .constant || attributes.value >= 0)
                && producer.inputs.allSatisfy { isNonNegative($0, in: graph) }
        default: return false
        }
    }
}
