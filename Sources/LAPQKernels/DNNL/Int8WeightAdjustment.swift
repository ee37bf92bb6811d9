internal import CDNNL

/// How an int8 primitive's operands are pre-scaled so that oneDNN's weight adjustment on CPUs
/// without VNNI is exact.
///
/// Without VNNI, oneDNN multiplies u8 × s8 with `vpmaddubsw`, which adds product pairs in
/// saturating int16. For an s8 source it shifts the codes to u8 (x + 128, undone by a per-channel
/// compensation) and, so that pairs of (x + 128)·w fit int16, marks the weights it wants with
/// `scale_adjust` = 0.5: its weight reorder computes round(w · 0.5), its kernel multiplies the
/// bias by 0.5 and the output scale by 2 (oneDNN 2.6, `jit_uni_x8s8s32x_conv_kernel.cpp`,
/// `jit_avx512_core_x8s8s32x_conv_kernel.cpp` and their 1×1 forms). Halving an odd code rounds
/// it, so the layer would compute with other weights. Handing the library q_w / a, q_b / a and
/// s · a instead (a = `factor`, 1 / a a power of two) makes every one of those steps exact:
/// the primitive computes s · (Σ q_x·q_w + q_b) as on VNNI CPUs, where a = 1.
///
/// a is read from the weight descriptor the primitive chose, so the rule follows the ISA that
/// oneDNN dispatches to (including `ONEDNN_MAX_CPU_ISA`), not a CPU model list.
struct Int8WeightAdjustment: Equatable {
    /// a: what oneDNN multiplies weights and bias by (1 when it does not adjust).
    let factor: Float
    /// 1 / a, an integer power of two.
    let multiplier: Int

    static let none = Int8WeightAdjustment(factor: 1, multiplier: 1)

    private init(factor: Float, multiplier: Int) {
        self.factor = factor
        self.multiplier = multiplier
    }

    /// The adjustment `weights` (a descriptor a primitive descriptor returned) asks for.
    init(weights: dnnl_memory_desc_t, op: String) throws(KernelError) {
        let flagged = weights.extra.flags & UInt64(dnnl_memory_extra_flag_scale_adjust.rawValue) != 0
        guard flagged, weights.extra.scale_adjust != 1 else {
            self = .none
            return
        }
        let factor = weights.extra.scale_adjust
        let multiplier = (1 / factor).rounded()
        guard factor > 0, multiplier <= 128, Float(multiplier) * factor == 1,
              Int(multiplier).nonzeroBitCount == 1 else {
            throw KernelError.unsupported(op: op, reason: "oneDNN asks for weight scale adjustment \(factor), "
                                          + "which int8 codes cannot undo exactly")
        }
        self.init(factor: factor, multiplier: Int(multiplier))
    }

    /// q_w / a, the codes the weight reorder turns back into `codes` exactly.
    func weights(_ codes: [Int8], op: String) throws(KernelError) -> [Int8] {
        try divided(codes, named: "weight", op: op)
    }

    /// q_b / a, which the kernel's bias scaling turns back into `codes` exactly.
    func bias(_ codes: [Int32], op: String) throws(KernelError) -> [Int32] {
        try divided(codes, named: "bias", op: op)
    }

    /// codes · (1 / a), refusing a code whose product leaves the type.
    private func divided<Code: FixedWidthInteger>(_ codes: [Code], named kind: String,
                                                  op: String) throws(KernelError) -> [Code] {
        guard multiplier != 1 else { return codes }
        let limit = Int(Code.max) / multiplier
        if let code = codes.first(where: { abs(Int($0)) > limit }) {
            throw KernelError.unsupported(op: op, reason: "\(kind) code \(code) exceeds ±\(limit), the largest that "
                                          + "oneDNN's weight adjustment ×\(factor) on this CPU keeps exact")
        }
        return codes.map { $0 * Code(multiplier) }
    }

    /// s · a for every output scale, which the kernel multiplies by 1 / a again (exact: a power
    /// of two).
    func outputScales(_ scales: [Float]) -> [Float] { scales.map { $0 * factor } }

}
