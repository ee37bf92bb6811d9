import LAPQMath

/// One tensor that the quantized network fake-quantizes: a weight of a Conv/Gemm/MatMul, or an
/// activation that feeds one. See docs/engine.md.
public struct QuantizationPoint: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case weight
        case activation
    }

    /// The name of the quantized tensor in the graph (weight initializer or activation).
    public var tensor: String
    public var kind: Kind
    /// The quantized nodes that read the quantized value, in graph order (a weight has one;
    /// an activation that feeds several quantized layers has several). Other readers of an
    /// activation read its float value.
    public var consumers: [String]
    /// Index of the first consumer in the graph's node order: nodes before it do not depend
    /// on this point's step size.
    public var position: Int
    public var bits: Int
    public var isSigned: Bool

    /// A human-readable unique name, e.g. "weight:conv1.weight" or "activation:relu_3".
    public var name: String { "\(kind.rawValue):\(tensor)" }

    /// The quantizer of this point for step size Δ.
    public func quantizer(stepSize: Float) -> UniformQuantizer {
        UniformQuantizer(bits: bits, isSigned: isSigned, stepSize: stepSize)
    }
}
