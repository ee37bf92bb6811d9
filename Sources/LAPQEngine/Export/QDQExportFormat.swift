import LAPQMath

/// Which ONNX integer types an exported model stores its codes in, and so which opset it
/// imports. See docs/formats.md, "Export formats".
///
/// - `int8` (the default; `model.qdq.onnx`): opset 13, IR 7. Every point's codes are int8
///   (signed) or uint8 (unsigned); an activation is clamped to its b-bit range by a Clip on the
///   codes. Every ONNX runtime of the last years reads it.
/// - `int4` (`model.int4.onnx`): opset 21, IR 10 — the first opset whose QuantizeLinear and
///   DequantizeLinear take int4/uint4. Points of at most 4 bits use those types, weights packed
///   two codes per byte; points of 5–8 bits stay int8/uint8 as in `int8`.
public enum QDQExportFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case int8
    case int4

    /// The ONNX opset the model imports (default domain only): 13 is the first with Clip on
    /// 8-bit integers and Softmax over a single axis, 21 the first with 4-bit QuantizeLinear and
    /// DequantizeLinear.
    public var opsetVersion: Int {
        switch self {
        case .int8: return 13
        case .int4: return 21
        }
    }

    /// The IR version that goes with the opset (IR 10 is also the first with int4/uint4).
    var irVersion: Int64 {
        switch self {
        case .int8: return 7
        case .int4: return 10
        }
    }

    /// The file name `lapq-coord calibrate` gives the model in its output directory.
    public var fileName: String {
        switch self {
        case .int8: return "model.qdq.onnx"
        case .int4: return "model.int4.onnx"
        }
    }

    /// The type that holds the codes of a point quantized by `quantizer` (not the identity).
    func codeType(of quantizer: UniformQuantizer) -> QDQCodeType {
        precondition(!quantizer.isIdentity, "a float point has no codes")
        let width = self == .int4 && quantizer.bits <= 4 ? 4 : 8
        return QDQCodeType(bitWidth: width, isSigned: quantizer.isSigned)
    }
}
