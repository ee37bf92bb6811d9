internal import CDNNL

/// A oneDNN int8 forward-inference 2-D convolution for a layer whose input and weight are both
/// quantized (`Int8Computation`):
///
///     dst[n, c] = postOps(outputScale_c · (Σ src_code · weight_code + bias_code[c]))
///
/// With outputScale_c = Δx·Δw (or Δx·Δw_c for a per-channel weight: one scale per output
/// channel) and bias codes at that scale this is the fake-quantized layer
/// (`Conv2DPrimitive` on x̂ = q_x·Δx, ŵ = q_w·Δw, b̂ = q_b·Δx·Δw), up to float rounding: the
/// f32 kernel rounds every product and partial sum, this one only the final scaling. On VNNI
/// CPUs it runs about 3.9× faster (docs/benchmarks.md). Codes must lie in `Int8ExactRange`,
/// or the sums may saturate on CPUs without VNNI.
///
/// oneDNN 2.6 fixes the output scale when the primitive is created (its int8 convolutions
/// have no run-time scales), so a new Δx or Δw means a new primitive; creating one costs
/// ~0.4 ms once oneDNN has generated the kernel for the shape.
public final class IntegerConv2DPrimitive {
    public let geometry: Conv2DGeometry
    public let postOps: [PostOp]
    /// One scale, or one per output channel (a per-channel weight).
    public let outputScales: [Float]
    private let computation: Int8Computation

    /// Builds the primitive and loads `weightCodes` (O, C/G, kH, kW, row-major, as int8) and
    /// `biasCodes` (O) if given. `isSourceSigned` picks s8 rather than u8 input codes.
    public init(context: DNNLContext, geometry: Conv2DGeometry, isSourceSigned: Bool, weightCodes: [Int8],
                biasCodes: [Int32]?, outputScales: [Float], postOps: [PostOp] = []) throws(KernelError) {
        try geometry.validate()
        guard weightCodes.count == geometry.weightShape.reduce(1, *) else {
            throw KernelError.shapeMismatch(op: "Conv (int8)", argument: "weights", expected: geometry.weightShape,
                                            actual: [weightCodes.count])
        }
        if let biasCodes, biasCodes.count != geometry.outChannels {
            throw KernelError.shapeMismatch(op: "Conv (int8)", argument: "bias", expected: [geometry.outChannels],
                                            actual: [biasCodes.count])
        }
        guard outputScales.count == 1 || outputScales.count == geometry.outChannels else {
            throw KernelError.shapeMismatch(op: "Conv (int8)", argument: "output scales", expected: [geometry.outChannels],
                                            actual: [outputScales.count])
        }
        let source = try anyDescriptor(geometry.inputShape, type: isSourceSigned ? dnnl_s8 : dnnl_u8)
        let weightLayout = try anyDescriptor(libraryWeightShape(geometry), type: dnnl_s8)
        let biasLayout = biasCodes == nil ? nil : try plainDescriptor([geometry.outChannels], type: dnnl_s32)
        self.geometry = geometry
        self.postOps = postOps
        self.outputScales = outputScales
        computation = try Int8Computation(
            op: "Conv (int8)", context: context, weightCodes: weightCodes, weightShape: libraryWeightShape(geometry),
            biasCodes: biasCodes, outputScales: outputScales) { scales throws(KernelError) in
            try makeConvolutionDescriptor(geometry, source: source, weights: weightLayout, bias: biasLayout,
                                          attributes: try makeAttributes(postOps: postOps, outputScales: scales),
                                          context: context, accepting: { isTrusted($0, for: geometry) })
        }
    }

    /// A zeroed f32 output tensor (N, O, outH, outW) in the layout the primitive writes natively.
    public func makeDestination() throws(KernelError) -> DNNLTensor {
        try computation.makeDestination(shape: geometry.outputShape)
    }

    /// Encodes `source` (f32, N × C × H × W, any layout) and convolves the codes into
    /// `destination` (any layout); see `IntegerLayerPrimitive.execute(_:encode:into:)`.
    public func execute(_ source: DNNLTensor,
                        encode: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<UInt8>) -> Void,
                        into destination: DNNLTensor) throws(KernelError) {
        try requireShape(source.shape, geometry.inputShape, op: "Conv (int8)", argument: "source")
        try requireShape(destination.shape, geometry.outputShape, op: "Conv (int8)", argument: "destination")
        try computation.execute(source, encode: encode, into: destination)
    }

    public func withInputCodes<R>(_ body: (UnsafeBufferPointer<UInt8>, [Int]?) -> R) -> R {
        computation.withInputCodes(shape: geometry.inputShape, body)
    }
}

extension IntegerConv2DPrimitive: IntegerLayerPrimitive {}

/// Whether oneDNN's int8 implementation `name` computes `geometry` right. Its 1×1 kernels
/// (`jit_uni_int8_1x1`, `jit_int8_1x1`) first copy a strided source to unit stride per thread,
/// and with two or more threads oneDNN 2.6's AVX2 one returns wrong sums for some shapes and
/// runs (a 1×1 stride-2 conv of 8 channels, batch 8, is wrong in about half the runs); the
/// generic int8 kernel that oneDNN tries next is exact there, and such layers are a small part
/// of a network's work.
func isTrusted(_ name: String, for geometry: Conv2DGeometry) -> Bool {
    let strided = geometry.strideHeight > 1 || geometry.strideWidth > 1
    let isOneByOne = geometry.kernelHeight == 1 && geometry.kernelWidth == 1
    return !(strided && isOneByOne && (name.hasPrefix("jit_uni_int8_1x1") || name.hasPrefix("jit_int8_1x1")))
}
