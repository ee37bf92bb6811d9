internal import CDNNL

/// A oneDNN int8 forward-inference 2-D convolution for a layer whose input and weight are both
/// quantized: u8 (or s8) input codes × s8 weight codes, summed exactly in int32 with int32
/// bias codes, then scaled to f32 and passed through the fused post-ops:
///
///     dst = postOps(outputScale · (Σ src_code · weight_code + bias_code))
///
/// With outputScale = Δx·Δw and bias codes at that scale this is the fake-quantized layer
/// (`Conv2DPrimitive` on x̂ = q_x·Δx, ŵ = q_w·Δw, b̂ = q_b·Δx·Δw), up to float rounding: the
/// f32 kernel rounds every product and partial sum, this one only the final scaling. On VNNI
/// CPUs it runs about 3.9× faster (docs/benchmarks.md). On CPUs without VNNI the operands are
/// pre-scaled so that oneDNN's weight adjustment stays exact (`Int8WeightAdjustment`); codes
/// must lie in `Int8ExactRange`, or the sums may saturate on such CPUs.
///
/// oneDNN 2.6 fixes the output scale when the primitive is created (its int8 convolutions
/// have no run-time scales), so a new Δx or Δw means a new primitive; creating one costs
/// ~0.4 ms once oneDNN has generated the kernel for the shape.
public final class IntegerConv2DPrimitive {
    public let geometry: Conv2DGeometry
    public let postOps: [PostOp]
    public let outputScale: Float
    private let context: DNNLContext
    private let primitive: PrimitiveHandle
    private let bridge: LayoutBridge
    /// The input codes, in the layout the primitive reads.
    private let codes: MemoryHandle
    /// The f32 source in the layout whose elements pair up one to one with `codes`'.
    private let floatSource: LayoutStaging
    private let weights: MemoryHandle
    private let bias: MemoryHandle?

    /// Builds the primitive and loads `weightCodes` (O, C/G, kH, kW, row-major, as int8) and
    /// `biasCodes` (O) if given. `isSourceSigned` picks s8 rather than u8 input codes.
    public init(context: DNNLContext, geometry: Conv2DGeometry, isSourceSigned: Bool, weightCodes: [Int8],
                biasCodes: [Int32]?, outputScale: Float, postOps: [PostOp] = []) throws(KernelError) {
        try geometry.validate()
        guard weightCodes.count == geometry.weightShape.reduce(1, *) else {
            throw KernelError.shapeMismatch(op: "Conv (int8)", argument: "weights", expected: geometry.weightShape,
                                            actual: [weightCodes.count])
        }
        if let biasCodes, biasCodes.count != geometry.outChannels {
            throw KernelError.shapeMismatch(op: "Conv (int8)", argument: "bias", expected: [geometry.outChannels],
                                            actual: [biasCodes.count])
        }
        let weightShape = libraryWeightShape(geometry)
        let source = try anyDescriptor(geometry.inputShape, type: isSourceSigned ? dnnl_s8 : dnnl_u8)
        let weightLayout = try anyDescriptor(weightShape, type: dnnl_s8)
        let biasLayout = biasCodes == nil ? nil : try plainDescriptor([geometry.outChannels], type: dnnl_s32)
        let describe = { (scale: Float) throws(KernelError) in
            try makeConvolutionDescriptor(geometry, source: source, weights: weightLayout, bias: biasLayout,
                                          attributes: try makeAttributes(postOps: postOps, outputScale: scale),
                                          context: context, accepting: { isTrusted($0, for: geometry) })
        }
        var descriptor = try describe(outputScale)
        // The output scale is fixed at creation, and the adjustment is known only from the
        // descriptor: a CPU that adjusts gets a second descriptor with the compensating scale.
        let adjustment = try Int8WeightAdjustment(weights: try descriptor.memoryDescriptor(dnnl_query_weights_md),
                                                  op: "Conv (int8)")
        if adjustment != .none { descriptor = try describe(adjustment.outputScale(outputScale)) }
        self.context = context
        self.geometry = geometry
        self.postOps = postOps
        self.outputScale = outputScale
        primitive = try context.makePrimitive(descriptor)
        let codeLayout = try descriptor.memoryDescriptor(dnnl_query_src_md)
        codes = try context.makeMemory(codeLayout)
        floatSource = LayoutStaging(target: retyped(codeLayout, dnnl_f32))
        bridge = LayoutBridge(sourceLayout: codeLayout, destinationLayout: try descriptor.memoryDescriptor(dnnl_query_dst_md))
        weights = try loadParameter(try adjustment.weights(weightCodes, op: "Conv (int8)"),
                                    plain: try plainDescriptor(weightShape, type: dnnl_s8),
                                    library: try descriptor.memoryDescriptor(dnnl_query_weights_md), context: context)
        bias = try biasCodes.map { codes throws(KernelError) in
            try loadParameter(try adjustment.bias(codes, op: "Conv (int8)"),
                              plain: try plainDescriptor([geometry.outChannels], type: dnnl_s32),
                              library: try descriptor.memoryDescriptor(dnnl_query_weights_md, index: 1), context: context)
        }
    }

    /// A zeroed f32 output tensor (N, O, outH, outW) in the layout the primitive writes natively.
    public func makeDestination() throws(KernelError) -> DNNLTensor {
        try DNNLTensor(shape: geometry.outputShape, descriptor: bridge.destinationLayout, context: context)
    }

    /// Encodes `source` (f32, N × C × H × W, any layout) into the primitive's input codes and
    /// convolves them into `destination` (any layout). `encode` maps f32 values to code bytes
    /// element by element (e.g. `UniformQuantizer.encode`); it receives the f32 storage in the
    /// codes' element order (reordered first if `source` has another layout) and the code
    /// bytes, padding included, so it must map 0 to code 0.
    public func execute(_ source: DNNLTensor,
                        encode: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<UInt8>) -> Void,
                        into destination: DNNLTensor) throws(KernelError) {
        try requireShape(source.shape, geometry.inputShape, op: "Conv (int8)", argument: "source")
        try requireShape(destination.shape, geometry.outputShape, op: "Conv (int8)", argument: "destination")
        let floats = try floatSource.memory(in: source.memory, context: context)
        let count = byteSize(codes.descriptor)
        precondition(floats.byteCount >= count * MemoryLayout<Float>.stride, "f32 staging smaller than the codes")
        encode(UnsafeBufferPointer(start: floats.buffer.assumingMemoryBound(to: Float.self), count: count),
               UnsafeMutableBufferPointer(start: codes.buffer.assumingMemoryBound(to: UInt8.self), count: count))
        var parameters = [(DNNL_ARG_WEIGHTS, weights)]
        if let bias { parameters.append((DNNL_ARG_BIAS, bias)) }
        try bridge.run(primitive, sourceMemory: codes, destination: destination, parameters: parameters, context: context)
    }
}

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

/// Integer parameters (weight or bias codes) copied in row-major and reordered once into the
/// primitive's layout (which, for s8 weights, may carry oneDNN's compensation terms).
private func loadParameter<T: FixedWidthInteger>(_ values: [T], plain: dnnl_memory_desc_t, library: dnnl_memory_desc_t,
                                                 context: DNNLContext) throws(KernelError) -> MemoryHandle {
    let staging = try context.makeMemory(plain)
    values.withUnsafeBytes { bytes in
        if let base = bytes.baseAddress { staging.buffer.copyMemory(from: base, byteCount: bytes.count) }
    }
    if sameLayout(plain, library) { return staging }
    let memory = try context.makeMemory(library)
    try Reorder(from: plain, to: library, context: context).run(from: staging, to: memory, context: context)
    return memory
}
