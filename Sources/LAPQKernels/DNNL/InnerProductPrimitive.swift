internal import CDNNL

/// A oneDNN f32 forward-inference inner product: ONNX `Gemm` with `transB = 1`, i.e.
/// `out[n, o] = bias[o] + Σ_k in[n, k] · w[o, k]`, optionally followed by fused ``PostOp``s.
///
/// The source may be (N, K) or (N, C, H, W) with K = C·H·W, so `Flatten → Gemm` after a
/// convolution reads the convolution's blocked output without a reorder. Weights are given as
/// ONNX stores them, (O, K), and kept in the library's layout. Cost: 2·N·O·K flops.
public final class InnerProductPrimitive {
    /// (N, K) or (N, C, H, W).
    public let inputShape: [Int]
    public let outFeatures: Int
    public let postOps: [PostOp]
    private let context: DNNLContext
    private let primitive: PrimitiveHandle
    private let bridge: LayoutBridge
    private let weights: ParameterStore
    private let bias: ParameterStore?

    /// Builds the primitive for `inputShape` and loads `weights` (O, K) and `bias` (O).
    public init(context: DNNLContext, inputShape: [Int], weights: Tensor, bias: Tensor?,
                postOps: [PostOp] = []) throws(KernelError) {
        guard inputShape.count == 2 || inputShape.count == 4, inputShape.allSatisfy({ $0 >= 1 }) else {
            throw KernelError.invalidGeometry(op: "Gemm", reason: "input shape \(inputShape) must be (N, K) or (N, C, H, W), all ≥ 1")
        }
        guard weights.rank == 2, weights.shape[0] >= 1 else {
            throw KernelError.invalidGeometry(op: "Gemm", reason: "weights shape \(weights.shape) must be (O, K)")
        }
        let features = inputShape.dropFirst().reduce(1, *)
        try requireShape(weights.shape, [weights.shape[0], features], op: "Gemm", argument: "weights")
        outFeatures = weights.shape[0]
        if let bias { try requireShape(bias.shape, [outFeatures], op: "Gemm", argument: "bias") }
        self.inputShape = inputShape
        self.postOps = postOps
        self.context = context
        let weightShape = [outFeatures] + inputShape.dropFirst()
        let descriptor = try makeInnerProductDescriptor(inputShape: inputShape, weightShape: weightShape,
                                                        hasBias: bias != nil, postOps: postOps, context: context)
        primitive = try context.makePrimitive(descriptor)
        bridge = LayoutBridge(sourceLayout: try descriptor.memoryDescriptor(dnnl_query_src_md),
                              destinationLayout: try descriptor.memoryDescriptor(dnnl_query_dst_md))
        self.weights = try ParameterStore(plainShape: weightShape,
                                          libraryLayout: try descriptor.memoryDescriptor(dnnl_query_weights_md),
                                          context: context)
        self.bias = bias == nil ? nil : try ParameterStore(
            plainShape: [outFeatures],
            libraryLayout: try descriptor.memoryDescriptor(dnnl_query_weights_md, index: 1), context: context)
        try replaceWeights(weights)
        if let bias { try replaceBias(bias) }
    }

    /// (N, O).
    public var outputShape: [Int] { [inputShape[0], outFeatures] }

    /// Replaces the weights (O, K) and reorders them into the library layout once.
    public func replaceWeights(_ newWeights: Tensor) throws(KernelError) {
        try requireShape(newWeights.shape, [outFeatures, inputShape.dropFirst().reduce(1, *)],
                         op: "Gemm", argument: "weights")
        try weights.load(newWeights.data, context: context)
    }

    /// Replaces the bias (O); throws if the primitive was built without one.
    public func replaceBias(_ newBias: Tensor) throws(KernelError) {
        guard let bias else {
            throw KernelError.unsupported(op: "Gemm", reason: "primitive was built without a bias")
        }
        try requireShape(newBias.shape, [outFeatures], op: "Gemm", argument: "bias")
        try bias.load(newBias.data, context: context)
    }

    /// A zeroed (N, O) output in the layout the primitive writes natively.
    public func makeDestination() throws(KernelError) -> DNNLTensor {
        try DNNLTensor(shape: outputShape, descriptor: bridge.destinationLayout, context: context)
    }

    /// Computes `destination` (N, O) from `source` (``inputShape``), any layouts.
    public func execute(_ source: DNNLTensor, into destination: DNNLTensor) throws(KernelError) {
        try requireShape(source.shape, inputShape, op: "Gemm", argument: "source")
        try requireShape(destination.shape, outputShape, op: "Gemm", argument: "destination")
        var parameters = [(DNNL_ARG_WEIGHTS, weights.memory)]
        if let bias { parameters.append((DNNL_ARG_BIAS, bias.memory)) }
        try bridge.run(primitive, source: source, destination: destination,
                       parameters: parameters, context: context)
    }

    /// Plain tensor in, plain tensor out (allocates; for tests and edges).
    public func callAsFunction(_ input: Tensor) throws(KernelError) -> Tensor {
        let destination = try makeDestination()
        try execute(DNNLTensor(input, context: context), into: destination)
        return try destination.toTensor()
    }
}

private func makeInnerProductDescriptor(inputShape: [Int], weightShape: [Int], hasBias: Bool,
                                        postOps: [PostOp], context: DNNLContext) throws(KernelError) -> PrimitiveDescHandle {
    try makeInnerProductDescriptor(source: try anyDescriptor(inputShape), weights: try anyDescriptor(weightShape),
                                   bias: hasBias ? try plainDescriptor([weightShape[0]]) : nil,
                                   outputShape: [inputShape[0], weightShape[0]],
                                   attributes: try makeAttributes(postOps: postOps), context: context)
}

/// A forward-inference inner product descriptor with the given operand descriptors (any types
/// oneDNN accepts together) and attributes; the destination is f32 in the library's layout.
func makeInnerProductDescriptor(source: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, bias: dnnl_memory_desc_t?,
                                outputShape: [Int], attributes: AttributeHandle,
                                context: DNNLContext) throws(KernelError) -> PrimitiveDescHandle {
    var source = source, weights = weights
    let hasBias = bias != nil
    var bias = bias ?? dnnl_memory_desc_t()
    var destination = try anyDescriptor(outputShape)
    var operation = dnnl_inner_product_desc_t()
    let status = withUnsafeMutablePointer(to: &bias) { biasPointer in
        dnnl_inner_product_forward_desc_init(&operation, dnnl_forward_inference, &source, &weights,
                                             hasBias ? biasPointer : nil, &destination)
    }
    try check(status, where: "dnnl_inner_product_forward_desc_init")
    context.applyThreadCount()
    return try PrimitiveDescHandle(function: "dnnl_primitive_desc_create(inner_product)") { out in
        dnnl_primitive_desc_create(&out, &operation, attributes.raw, context.engine.raw, nil)
    }
}
