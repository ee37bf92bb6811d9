internal import CDNNL

/// An elementwise activation fused into a convolution or inner product, applied to the
/// biased output in the order given, so `Conv → Relu` runs as one primitive.
public enum PostOp: Equatable, Sendable {
    /// `max(x, 0)`.
    case relu
    /// `min(max(x, lower), upper)` (ONNX `Clip`, e.g. ReLU6 as `clip(0, 6)`).
    case clip(lower: Float, upper: Float)
    /// `x ≥ 0 ? x : alpha·x`.
    case leakyReLU(alpha: Float)
}

/// Primitive attributes carrying `postOps` as oneDNN eltwise post-ops (scale 1) and, when
/// given, one output scale for the whole tensor (applied before the post-ops).
func makeAttributes(postOps: [PostOp], outputScales: [Float]? = nil) throws(KernelError) -> AttributeHandle {
    let attributes = try AttributeHandle()
    if let scales = outputScales {
        // One scale for the whole output (mask 0), or one per output channel: dimension 1 of
        // both a convolution's (N, C, H, W) and an inner product's (N, O) destination (mask 2).
        let mask: Int32 = scales.count == 1 ? 0 : 1 << 1
        try check(scales.withUnsafeBufferPointer { dnnl_primitive_attr_set_output_scales(attributes.raw, Int64(scales.count), mask, $0.baseAddress) },
                  where: "dnnl_primitive_attr_set_output_scales")
    }
    guard !postOps.isEmpty else { return attributes }
    let chain = try PostOpsHandle()
    for postOp in postOps {
        let (algorithm, alpha, beta): (dnnl_alg_kind_t, Float, Float)
        switch postOp {
        case .relu: (algorithm, alpha, beta) = (dnnl_eltwise_relu, 0, 0)
        case let .clip(lower, upper): (algorithm, alpha, beta) = (dnnl_eltwise_clip, lower, upper)
        case let .leakyReLU(slope): (algorithm, alpha, beta) = (dnnl_eltwise_relu, slope, 0)
        }
        try check(dnnl_post_ops_append_eltwise(chain.raw, 1, algorithm, alpha, beta),
                  where: "dnnl_post_ops_append_eltwise")
    }
    try check(dnnl_primitive_attr_set_post_ops(attributes.raw, chain.raw),
              where: "dnnl_primitive_attr_set_post_ops")
    return attributes
}
