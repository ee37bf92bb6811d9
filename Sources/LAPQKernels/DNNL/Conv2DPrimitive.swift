internal import CDNNL

/// A oneDNN f32 forward-inference 2-D convolution, created once for one ``Conv2DGeometry``
/// and reused: weights live in the library's preferred layout, source and destination layouts
/// are chosen by the library (`format_tag_any`), and optional ``PostOp``s run fused.
///
/// Cost per run: 2·N·O·outH·outW·(C/G)·kH·kW flops, plus a reorder of a source or destination
/// whose layout differs from the chosen one (none when primitives are chained through
/// ``makeDestination()``).
public final class Conv2DPrimitive {
    public let geometry: Conv2DGeometry
    public let postOps: [PostOp]
    private let context: DNNLContext
    private let primitive: PrimitiveHandle
    private let bridge: LayoutBridge
    private let weights: ParameterStore
    private let bias: ParameterStore?

    /// Builds the primitive and loads `weights` (O, C/G, kH, kW) and `bias` (O) if given.
    /// Throws ``KernelError/invalidGeometry(op:reason:)`` or ``KernelError/shapeMismatch(op:argument:expected:actual:)``
    /// for bad input and ``KernelError/call(function:status:)`` if oneDNN refuses.
    public init(context: DNNLContext, geometry: Conv2DGeometry, weights: Tensor, bias: Tensor?,
                postOps: [PostOp] = []) throws(KernelError) {
        try geometry.validate()
        try requireShape(weights.shape, geometry.weightShape, op: "Conv", argument: "weights")
        if let bias { try requireShape(bias.shape, [geometry.outChannels], op: "Conv", argument: "bias") }
        let descriptor = try makeConvolutionDescriptor(geometry, hasBias: bias != nil,
                                                       postOps: postOps, context: context)
        self.context = context
        self.geometry = geometry
        self.postOps = postOps
        primitive = try context.makePrimitive(descriptor)
        bridge = LayoutBridge(sourceLayout: try descriptor.memoryDescriptor(dnnl_query_src_md),
                              destinationLayout: try descriptor.memoryDescriptor(dnnl_query_dst_md))
        self.weights = try ParameterStore(plainShape: libraryWeightShape(geometry),
                                          libraryLayout: try descriptor.memoryDescriptor(dnnl_query_weights_md),
                                          context: context)
        self.bias = bias == nil ? nil : try ParameterStore(
            plainShape: [geometry.outChannels],
            libraryLayout: try descriptor.memoryDescriptor(dnnl_query_weights_md, index: 1),
            context: context)
        try replaceWeights(weights)
        if let bias { try replaceBias(bias) }
    }

    /// Replaces the weights (O, C/G, kH, kW) and reorders them into the library layout once.
    public func replaceWeights(_ newWeights: Tensor) throws(KernelError) {
        try requireShape(newWeights.shape, geometry.weightShape, op: "Conv", argument: "weights")
        try weights.load(newWeights.data, context: context)
    }

    /// Replaces the bias (O); throws if the primitive was built without one.
    public func replaceBias(_ newBias: Tensor) throws(KernelError) {
        guard let bias else {
            throw KernelError.unsupported(op: "Conv", reason: "primitive was built without a bias")
        }
        try requireShape(newBias.shape, [geometry.outChannels], op: "Conv", argument: "bias")
        try bias.load(newBias.data, context: context)
    }

    /// A zeroed output tensor (N, O, outH, outW) in the layout the primitive writes natively.
    public func makeDestination() throws(KernelError) -> DNNLTensor {
        try DNNLTensor(shape: geometry.outputShape, descriptor: bridge.destinationLayout, context: context)
    }

    /// A zeroed input tensor (N, C, H, W) in the layout the primitive reads natively.
    public func makeSource() throws(KernelError) -> DNNLTensor {
        try DNNLTensor(shape: geometry.inputShape, descriptor: bridge.sourceLayout, context: context)
    }

    /// Convolves `source` (N, C, H, W) into `destination` (N, O, outH, outW), any layouts.
    public func execute(_ source: DNNLTensor, into destination: DNNLTensor) throws(KernelError) {
        try requireShape(source.shape, geometry.inputShape, op: "Conv", argument: "source")
        try requireShape(destination.shape, geometry.outputShape, op: "Conv", argument: "destination")
        var parameters = [(DNNL_ARG_WEIGHTS, weights.memory)]
        if let bias { parameters.append((DNNL_ARG_BIAS, bias.memory)) }
        try bridge.run(primitive, source: source, destination: destination,
                       parameters: parameters, context: context)
    }

    /// Convolves a plain tensor and returns a plain tensor (allocates; for tests and edges).
    public func callAsFunction(_ input: Tensor) throws(KernelError) -> Tensor {
        let destination = try makeDestination()
        try execute(DNNLTensor(input, context: context), into: destination)
        return try destination.toTensor()
    }
}

/// oneDNN's weight dims: (O, C/G, kH, kW), or (G, O/G, C/G, kH, kW) when grouped; both have
/// the same row-major order as ONNX's (O, C/G, kH, kW).
func libraryWeightShape(_ g: Conv2DGeometry) -> [Int] {
    g.groups == 1 ? g.weightShape
        : [g.groups, g.outChannels / g.groups, g.inChannels / g.groups, g.kernelHeight, g.kernelWidth]
}

private func makeConvolutionDescriptor(_ g: Conv2DGeometry, hasBias: Bool, postOps: [PostOp],
                                       context: DNNLContext) throws(KernelError) -> PrimitiveDescHandle {
    try makeConvolutionDescriptor(g, source: try anyDescriptor(g.inputShape),
                                  weights: try anyDescriptor(libraryWeightShape(g)),
                                  bias: hasBias ? try plainDescriptor([g.outChannels]) : nil,
                                  attributes: try makeAttributes(postOps: postOps), context: context)
}

/// A forward-inference convolution descriptor for `g` with the given operand descriptors (any
/// types oneDNN accepts together) and attributes; the destination is f32 in the library's layout.
/// The implementation is oneDNN's first choice among those whose name `accepts` takes.
func makeConvolutionDescriptor(_ g: Conv2DGeometry, source: dnnl_memory_desc_t, weights: dnnl_memory_desc_t,
                               bias: dnnl_memory_desc_t?, attributes: AttributeHandle, context: DNNLContext,
                               accepting accepts: (String) -> Bool = { _ in true }) throws(KernelError) -> PrimitiveDescHandle {
    var source = source, weights = weights
    let hasBias = bias != nil
    var bias = bias ?? dnnl_memory_desc_t()
    var destination = try anyDescriptor(g.outputShape)
    let strides: [Int64] = [Int64(g.strideHeight), Int64(g.strideWidth)]
    let dilations: [Int64] = [Int64(g.dilationHeight - 1), Int64(g.dilationWidth - 1)]
    let padsBegin: [Int64] = [Int64(g.padTop), Int64(g.padLeft)]
    let padsEnd: [Int64] = [Int64(g.padBottom), Int64(g.padRight)]
    var operation = dnnl_convolution_desc_t()
    let status = withUnsafeMutablePointer(to: &bias) { biasPointer in
        dnnl_dilated_convolution_forward_desc_init(
            &operation, dnnl_forward_inference, dnnl_convolution_direct, &source, &weights,
            hasBias ? biasPointer : nil, &destination, strides, dilations, padsBegin, padsEnd)
    }
    try check(status, where: "dnnl_dilated_convolution_forward_desc_init")
    context.applyThreadCount()
    return try withUnsafePointer(to: &operation) { pointer throws(KernelError) in
        try PrimitiveDescHandle(function: "dnnl_primitive_desc_create(convolution)", operation: pointer,
                                attributes: attributes, engine: context.engine, accepting: accepts)
    }
}
