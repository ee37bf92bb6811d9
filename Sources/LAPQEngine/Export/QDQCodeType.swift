import LAPQMath

/// An ONNX integer element type that holds quantization codes — int8, uint8, int4 or uint4 —
/// and how an activation quantized onto it gets lapq's clamp to [qmin, qmax].
struct QDQCodeType: Hashable {
    /// 8 or 4.
    let bitWidth: Int
    let isSigned: Bool

    init(bitWidth: Int, isSigned: Bool) {
        precondition(bitWidth == 8 || bitWidth == 4, "no ONNX code type of \(bitWidth) bits")
        self.bitWidth = bitWidth
        self.isSigned = isSigned
    }

    var dataType: Onnx_TensorProto.DataType {
        switch (bitWidth, isSigned) {
        case (8, true): return .int8
        case (8, false): return .uint8
        case (_, true): return .int4
        case (_, false): return .uint4
        }
    }

    /// Every value the type holds; QuantizeLinear saturates to it.
    var range: ClosedRange<Int> {
        isSigned ? -(1 << (bitWidth - 1))...((1 << (bitWidth - 1)) - 1) : 0...((1 << bitWidth) - 1)
    }

    /// Whether QuantizeLinear reads the zero point (and so its output type from it), or takes
    /// the type from its `output_dtype` attribute with the zero point left out (0 by default;
    /// QuantizeLinear-21). 8-bit: the zero point, as opset 13 requires. 4-bit: `output_dtype`,
    /// because onnxruntime 1.32's default graph optimizations mishandle a QuantizeLinear with a
    /// 4-bit zero point — a Clip (ReLU6) before it makes session creation throw
    /// (ClipQuantFusion: "Unexpected data type for QuantizeLinear input y_zero_point"), a Conv
    /// between uint4 activations and int8 weights is fused into a QLinearConv on uint4, which
    /// does not exist, and a MaxPool gets uint4 codes from QDQ propagation — while it leaves a
    /// QuantizeLinear without a zero point to run as specified. DequantizeLinear keeps its
    /// 4-bit zero point.
    var quantizeLinearTypedByZeroPoint: Bool { bitWidth == 8 }

    /// Where an activation chain Q → DQ onto this type clamps to lapq's [qmin, qmax].
    enum ActivationClamp: Equatable {
        /// QuantizeLinear's saturation to the type is the clamp.
        case none
        /// `Clip(qmin, qmax)` on the codes, between QuantizeLinear and DequantizeLinear.
        case codes
        /// `Clip(qmin · Δ, qmax · Δ)` on the float input of QuantizeLinear.
        case input
    }

    /// 8-bit codes are always clipped (the int8 format's chain, which every runtime runs, also
    /// where uint8 saturation alone would do). ONNX's Clip takes no 4-bit type (onnxruntime
    /// rejects the model), so 4-bit codes are clamped on the float side when the type is wider
    /// than lapq's grid: signed b ≤ 4 (int4 reaches −8, lapq's grid stops at −(2^(b−1) − 1)) and
    /// unsigned b < 4. Both give lapq's codes exactly: QuantizeLinear is monotone in x and
    /// round((qmax · Δ) / Δ) = qmax, so clamping x to [qmin · Δ, qmax · Δ] first is clamping
    /// the codes after.
    func activationClamp(for quantizer: UniformQuantizer) -> ActivationClamp {
        if bitWidth == 8 { return .codes }
        return range == quantizer.quantMin...quantizer.quantMax ? .none : .input
    }
}
