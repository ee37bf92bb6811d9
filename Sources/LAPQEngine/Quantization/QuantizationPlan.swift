/// The quantization points of a graph, in the order of their positions (weight before
/// activation at the same node). The optimizer's variables are one step size per point, in
/// this order.
public struct QuantizationPlan: Sendable, Hashable, Codable {
    public var points: [QuantizationPoint]
    public var weightBits: Int
    public var activationBits: Int
    /// Whether quantized weights get mean-only bias correction (`correctBias`): every
    /// executor and the QDQ export then use ŵ − per-output-channel mean shift. See
    /// docs/algorithms.md, "Bias correction".
    public var correctsWeightBias: Bool

    /// Which weighted layers to leave in float: the common choice keeps the first and last in
    /// float, since they are small and sensitive (LAPQ §5).
    public struct Options: Sendable, Hashable {
        public var quantizeFirstLayer = false
        public var quantizeLastLayer = false
        /// Bias-correct the quantized weights (`QuantizationPlan.correctsWeightBias`).
        public var correctsWeightBias = false
        public init(quantizeFirstLayer: Bool = false, quantizeLastLayer: Bool = false, correctsWeightBias: Bool = false) {
            self.quantizeFirstLayer = quantizeFirstLayer
            self.quantizeLastLayer = quantizeLastLayer
            self.correctsWeightBias = correctsWeightBias
        }
    }

    public init(points: [QuantizationPoint], weightBits: Int, activationBits: Int, correctsWeightBias: Bool = false) {
        self.points = points
        self.weightBits = weightBits
        self.activationBits = activationBits
        self.correctsWeightBias = correctsWeightBias
    }

    /// The plan for `graph` at the given bit widths (32 leaves that part in float).
    public init(graph: Graph, weightBits: Int, activationBits: Int, options: Options = Options()) {
        let layers = graph.nodes.indices.filter { Self.weightOperand(of: graph.nodes[$0], in: graph) != nil }
        var selected = layers
        if !options.quantizeFirstLayer, let first = layers.first { selected.removeAll { $0 == first } }
        if !options.quantizeLastLayer, let last = layers.last { selected.removeAll { $0 == last } }
        var points: [QuantizationPoint] = []
        var activationPoint: [String: Int] = [:]
        for index in selected {
            let node = graph.nodes[index]
            if weightBits != 32, let weight = Self.weightOperand(of: node, in: graph) {
                points.append(QuantizationPoint(tensor: node.inputs[weight], kind: .weight, consumers: [node.name],
                                                position: index, bits: weightBits, isSigned: true))
            }
            guard activationBits != 32 else { continue }
            let activation = node.inputs[0]
            if let existing = activationPoint[activation] {
                points[existing].consumers.append(node.name)
            } else {
                activationPoint[activation] = points.count
                points.append(QuantizationPoint(tensor: activation, kind: .activation, consumers: [node.name],
                                                position: index, bits: activationBits,
                                                isSigned: !Self.isNonNegative(activation, in: graph)))
            }
        }
        self.init(points: points, weightBits: weightBits, activationBits: activationBits,
                  correctsWeightBias: options.correctsWeightBias)
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
        case .relu, .sigmoid, .hardSigmoid, .softmax: return true   // HardSwish reaches −0.375
        case .clip(let lower, _): return lower >= 0
        case .maxPool, .averagePool, .globalAveragePool, .flatten, .reshape, .concat:
            // Pooling, reshaping and concatenation keep the sign of their inputs.
            return producer.inputs.allSatisfy { isNonNegative($0, in: graph) }
        default: return false
        }
    }
}
