/// Why a weighted layer's weight or input activation gets no quantization point, or why a node
/// runs in float altogether: what `lapq-coord inspect` shows beside each layer, so a user can
/// tell a default from a flag from an op lapq does not quantize.
public enum FloatReason: Sendable, Hashable, CustomStringConvertible {
    /// The first weighted layer, float unless `quantizeFirstLayer` (LAPQ §5).
    case firstLayer
    /// The last weighted layer, float unless `quantizeLastLayer`.
    case lastLayer
    /// A `keepFloat` pattern matched the layer, its weight or its activation.
    case keepFloat(pattern: String)
    /// The settings leave this kind of tensor at 32 bits (`--bits 32/4`, `--bits 4/32`).
    case floatBits
    /// The node is not a Conv, Gemm or MatMul with a constant weight, the only layers lapq
    /// quantizes.
    case notQuantizable

    public var description: String {
        switch self {
        case .firstLayer: return "first weighted layer (float by default; --quantize-first-layer)"
        case .lastLayer: return "last weighted layer (float by default; --quantize-last-layer)"
        case .keepFloat(let pattern): return "--keep-float '\(pattern)'"
        case .floatBits: return "--bits 32"
        case .notQuantizable: return "not a Conv, Gemm or MatMul with a constant weight"
        }
    }
}

/// JSON as `{"kind": "keep-float", "pattern": "conv1"}`: a flat object a script can switch on.
extension FloatReason: Encodable {
    private enum CodingKeys: String, CodingKey { case kind, pattern }

    private var kind: String {
        switch self {
        case .firstLayer: return "first-layer"
        case .lastLayer: return "last-layer"
        case .keepFloat: return "keep-float"
        case .floatBits: return "float-bits"
        case .notQuantizable: return "not-quantizable"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        if case .keepFloat(let pattern) = self { try container.encode(pattern, forKey: .pattern) }
    }
}
