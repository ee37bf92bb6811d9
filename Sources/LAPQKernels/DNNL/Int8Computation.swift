internal import CDNNL

/// A oneDNN int8 layer whose input and weight are both integer codes, the part shared by
/// `IntegerConv2DPrimitive` and `IntegerInnerProductPrimitive`: u8 (or s8) input codes × s8
/// weight codes, summed exactly in int32 with int32 bias codes, then scaled to f32 and passed
/// through the fused post-ops:
///
///     dst[c] = postOps(outputScale_c · (Σ src_code · weight_code + bias_code[c]))
///
/// with one output scale for every output channel c, or one per channel (per-channel weights).
/// The operands are pre-scaled against oneDNN's weight adjustment on CPUs without VNNI
/// (`Int8WeightAdjustment`), so the result is the same on every ISA for codes in
/// `Int8ExactRange`.
final class Int8Computation {
    let op: String
    private let context: DNNLContext
    private let primitive: PrimitiveHandle
    private let bridge: LayoutBridge
    /// The input codes, in the layout the primitive reads.
    private let codes: MemoryHandle
    /// The f32 source in the layout whose elements pair up one to one with `codes`'.
    private let floatSource: LayoutStaging
    private let weights: MemoryHandle
    private let bias: MemoryHandle?

    /// `describe` builds the primitive descriptor for the output scales (oneDNN 2.6 fixes them
    /// at creation); `weightShape` is the library's dims of the row-major `weightCodes`.
    init(op: String, context: DNNLContext, weightCodes: [Int8], weightShape: [Int], biasCodes: [Int32]?,
         outputScales: [Float], describe: ([Float]) throws(KernelError) -> PrimitiveDescHandle) throws(KernelError) {
        var descriptor = try describe(outputScales)
        // The adjustment is known only from the chosen descriptor: a CPU that adjusts gets a
        // second descriptor with the compensating scale.
        let adjustment = try Int8WeightAdjustment(weights: try descriptor.memoryDescriptor(dnnl_query_weights_md), op: op)
        if adjustment != .none { descriptor = try describe(adjustment.outputScales(outputScales)) }
        self.op = op
        self.context = context
        primitive = try context.makePrimitive(descriptor)
        let codeLayout = try descriptor.memoryDescriptor(dnnl_query_src_md)
        codes = try context.makeMemory(codeLayout)
        floatSource = LayoutStaging(target: retyped(codeLayout, dnnl_f32))
        bridge = LayoutBridge(sourceLayout: codeLayout, destinationLayout: try descriptor.memoryDescriptor(dnnl_query_dst_md))
        weights = try loadParameter(try adjustment.weights(weightCodes, op: op),
                                    plain: try plainDescriptor(weightShape, type: dnnl_s8),
                                    library: try descriptor.memoryDescriptor(dnnl_query_weights_md), context: context)
        bias = try biasCodes.map { codes throws(KernelError) in
            try loadParameter(try adjustment.bias(codes, op: op), plain: try plainDescriptor([codes.count], type: dnnl_s32),
                              library: try descriptor.memoryDescriptor(dnnl_query_weights_md, index: 1), context: context)
        }
    }

    /// A zeroed f32 output of `shape` in the layout the primitive writes natively.
    func makeDestination(shape: [Int]) throws(KernelError) -> DNNLTensor {
        try DNNLTensor(shape: shape, descriptor: bridge.destinationLayout, context: context)
    }

    /// Encodes `source` (f32, any layout) into the input codes with `encode` and computes
    /// `destination` (any layout); see `IntegerLayerPrimitive.execute(_:encode:into:)`.
    func execute(_ source: DNNLTensor, encode: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<UInt8>) -> Void,
                 into destination: DNNLTensor) throws(KernelError) {
        let floats = try floatSource.memory(in: source.memory, context: context)
        let count = byteSize(codes.descriptor)
        precondition(floats.byteCount >= count * MemoryLayout<Float>.stride, "f32 staging smaller than the codes")
        encode(UnsafeBufferPointer(start: floats.buffer.assumingMemoryBound(to: Float.self), count: count),
               UnsafeMutableBufferPointer(start: codes.buffer.assumingMemoryBound(to: UInt8.self), count: count))
        var parameters = [(DNNL_ARG_WEIGHTS, weights)]
        if let bias { parameters.append((DNNL_ARG_BIAS, bias)) }
        try bridge.run(primitive, sourceMemory: codes, destination: destination, parameters: parameters, context: context)
    }

    /// Calls `body` with the input codes the last `execute` encoded, in the primitive's source
    /// layout, and their element strides for the logical `shape` when that layout is dense
    /// (nil when it is blocked).
    func withInputCodes<R>(shape: [Int], _ body: (UnsafeBufferPointer<UInt8>, [Int]?) -> R) -> R {
        let codeBytes = UnsafeBufferPointer(start: codes.buffer.assumingMemoryBound(to: UInt8.self), count: byteSize(codes.descriptor))
        return body(codeBytes, denseElementStrides(codes.descriptor, shape: shape))
    }
}

/// An int8 layer primitive (convolution or inner product) as the executor runs it.
public protocol IntegerLayerPrimitive: AnyObject {
    /// A zeroed f32 output tensor in the layout the primitive writes natively.
    func makeDestination() throws(KernelError) -> DNNLTensor

    /// Encodes `source` (f32, the layer's input shape, any layout) into the primitive's input
    /// codes and computes `destination` (any layout). `encode` maps f32 values to code bytes
    /// element by element (e.g. `UniformQuantizer.encode`); it receives the f32 storage in the
    /// codes' element order (reordered first if `source` has another layout) and the code
    /// bytes, padding included, so it must map 0 to code 0.
    func execute(_ source: DNNLTensor, encode: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<UInt8>) -> Void,
                 into destination: DNNLTensor) throws(KernelError)

    /// Calls `body` with the input codes the last `execute` encoded and their element strides
    /// when their layout is dense (nil when blocked), so that a caller needing the codes
    /// (bias correction) does not encode them again.
    func withInputCodes<R>(_ body: (UnsafeBufferPointer<UInt8>, [Int]?) -> R) -> R
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
