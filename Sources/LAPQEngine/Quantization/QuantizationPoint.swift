import LAPQKernels
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
    /// The axis of a per-channel weight whose entries each have their own Δ (the output
    /// channel); nil for a per-tensor point.
    public var channelAxis: Int? = nil
    /// How many step sizes the point has in the step vector: the output channels of a
    /// per-channel weight, else 1.
    public var stepCount: Int = 1

    /// A human-readable unique name, e.g. "weight:conv1.weight" or "activation:relu_3".
    public var name: String { "\(kind.rawValue):\(tensor)" }

    /// The values each of this weight point's step sizes quantizes: the whole tensor, or, for a
    /// per-channel point, the values of each index along its channel axis (in row-major order).
    public func stepValues(of weight: Tensor) -> [[Float]] {
        guard let axis = channelAxis else { return [weight.data] }
        let inner = weight.shape[(axis + 1)...].reduce(1, *), channels = weight.shape[axis]
        var values = [[Float]](repeating: [], count: channels)
        for run in 0..<(inner == 0 ? 0 : weight.count / inner) {
            values[run % channels].append(contentsOf: weight.data[(run * inner)..<((run + 1) * inner)])
        }
        return values
    }

    /// The quantizer of this point for step size Δ.
    public func quantizer(stepSize: Float) -> UniformQuantizer {
        UniformQuantizer(bits: bits, isSigned: isSigned, stepSize: stepSize)
    }
}
