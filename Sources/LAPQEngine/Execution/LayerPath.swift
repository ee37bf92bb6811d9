import LAPQKernels
import LAPQMath

/// How one quantized Conv, Gemm or MatMul layer computes while step sizes are set: on int8
/// codes (`IntegerLayer`) or on fake-quantized f32 values, and why. The rule depends only on
/// the model, the plan and the executor's options — never on the host or on timing — so every
/// machine of a cluster runs a layer the same way (docs/engine.md, "Integer convolution").
public struct LayerPath: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case int8
        case f32
    }

    /// The node's name in the model.
    public let node: String
    public let kind: Kind
    /// Why the layer takes this path, for reports ("codes within Int8ExactRange", …).
    public let reason: String

    public init(node: String, kind: Kind, reason: String) {
        self.node = node
        self.kind = kind
        self.reason = reason
    }
}

extension LayerPath {
    /// The path of every Conv, Gemm and MatMul with a quantized input and weight, in graph
    /// order, as an `Executor` for `plan` with int8 layers on (`integerLayers`) runs them.
    public static func paths(graph: Graph, plan: QuantizationPlan, integerLayers: Bool = true) throws -> [LayerPath] {
        let paths = paths(graph: graph, plan: plan, binding: try QuantizationBinding(plan: plan, graph: graph),
                          integerLayers: integerLayers)
        return paths.keys.sorted().compactMap { paths[$0] }
    }

    /// The path of every node that has a quantized input and weight, by node index.
    static func paths(graph: Graph, plan: QuantizationPlan, binding: QuantizationBinding,
                      integerLayers enabled: Bool) -> [Int: LayerPath] {
        let shapes = (try? graph.inferShapes(batchSize: 1)) ?? [:]
        var paths: [Int: LayerPath] = [:]
        for (index, node) in graph.nodes.enumerated() {
            guard let input = binding.activationPoint[index], let weight = binding.weightPoint[index] else { continue }
            let (kind, reason) = decide(node, graph: graph, shapes: shapes, input: plan.points[input],
                                        weight: plan.points[weight], correctsBias: plan.correctsWeightBias, enabled: enabled)
            paths[index] = LayerPath(node: node.name, kind: kind, reason: reason)
        }
        return paths
    }

    private static func decide(_ node: Node, graph: Graph, shapes: [String: [Int]], input: QuantizationPoint,
                               weight: QuantizationPoint, correctsBias: Bool, enabled: Bool) -> (Kind, String) {
        guard enabled else { return (.f32, "int8 layers switched off") }
        if let shapeReason = unsupportedShape(node, graph: graph, shapes: shapes) { return (.f32, shapeReason) }
        guard input.bits <= 8, weight.bits <= 8 else { return (.f32, "wider than 8 bits") }
        let largest = { (point: QuantizationPoint) in UniformQuantizer.quantMax(bits: point.bits, isSigned: point.isSigned) }
        guard Int8ExactRange.contains(largestInputCode: largest(input), isSourceSigned: input.isSigned,
                                      largestWeightCode: largest(weight)) else {
            return (.f32, "W\(weight.bits)/A\(input.bits)\(input.isSigned ? " signed" : "") codes could saturate int16 "
                    + "on CPUs without VNNI")
        }
        return (.int8, "\(input.isSigned ? "s8" : "u8") × s8 codes" + (correctsBias ? ", bias correction on the output" : ""))
    }

    /// Why the node cannot run as a oneDNN int8 convolution or inner product, or nil if it can.
    private static func unsupportedShape(_ node: Node, graph: Graph, shapes: [String: [Int]]) -> String? {
        let constant = { (operand: Int) in node.inputs.indices.contains(operand) && graph.initializers[node.inputs[operand]] != nil }
        guard constant(1), node.inputs.count < 3 || constant(2) else { return "weight or bias is not a constant" }
        switch node.op {
        case .conv:
            return nil
        case .gemm(let attributes):
            if attributes.transA { return "Gemm with transA" }
            if attributes.alpha != 1 || attributes.beta != 1 { return "Gemm with alpha or beta ≠ 1" }
            guard let b = graph.initializers[node.inputs[1]], b.rank == 2, shapes[node.inputs[0]]?.count == 2 else {
                return "Gemm of other than a matrix by a constant matrix"
            }
            let outFeatures = attributes.transB ? b.shape[0] : b.shape[1]
            let c = node.inputs.count > 2 ? graph.initializers[node.inputs[2]] : nil
            return c.map { $0.count == outFeatures && $0.shape.last == outFeatures } ?? true ? nil : "Gemm with a non-vector C"
        case .matMul:
            return shapes[node.inputs[0]]?.count == 2 && graph.initializers[node.inputs[1]]?.rank == 2
                ? nil : "MatMul of other than a matrix by a constant matrix"
        default:
            return "\(node.op.name) has no int8 kernel"
        }
    }
}
