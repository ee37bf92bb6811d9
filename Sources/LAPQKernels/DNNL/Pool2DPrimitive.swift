internal import CDNNL

/// A oneDNN f32 forward-inference 2-D pooling (ONNX `MaxPool` / `AveragePool`).
///
/// oneDNN pooling has no `any` source layout, so the primitive is built for the layout of the
/// source it is given and rebuilt only when that layout changes; its destination uses the same
/// layout. Ceil mode is expressed as extra bottom/right padding (``Pool2DGeometry/ceilExtraBottom``);
/// for max and exclude-padding average this is exact. For include-padding average the overhang
/// would be counted by oneDNN but not by ONNX, so that one combination throws
/// ``KernelError/unsupported(op:reason:)`` at creation (use ``maxPool2dNaive`` family instead).
public final class Pool2DPrimitive {
    public let geometry: Pool2DGeometry
    public let kind: PoolKind
    private let context: DNNLContext
    private var built: (primitive: PrimitiveHandle, bridge: LayoutBridge)?

    public init(context: DNNLContext, geometry: Pool2DGeometry, kind: PoolKind) throws(KernelError) {
        try geometry.validate(op: kind == .max ? "MaxPool" : "AveragePool")
        if kind == .average(countIncludePad: true), geometry.ceilExtraBottom + geometry.ceilExtraRight > 0 {
            throw KernelError.unsupported(op: "AveragePool", reason: "count_include_pad with a ceil_mode overhang")
        }
        self.context = context
        self.geometry = geometry
        self.kind = kind
        built = try build(sourceLayout: plainDescriptor(geometry.inputShape))
    }

    /// A zeroed (N, C, outH, outW) output in the layout the primitive writes for `source`.
    public func makeDestination(for source: DNNLTensor) throws(KernelError) -> DNNLTensor {
        let bridge = try prepared(for: source).bridge
        return try DNNLTensor(shape: geometry.outputShape, descriptor: bridge.destinationLayout, context: context)
    }

    /// Pools `source` (N, C, H, W) into `destination` (N, C, outH, outW).
    public func execute(_ source: DNNLTensor, into destination: DNNLTensor) throws(KernelError) {
        try requireShape(source.shape, geometry.inputShape, op: "Pool", argument: "source")
        try requireShape(destination.shape, geometry.outputShape, op: "Pool", argument: "destination")
        let (primitive, bridge) = try prepared(for: source)
        try bridge.run(primitive, source: source, destination: destination, parameters: [], context: context)
    }

    /// Plain tensor in, plain tensor out (allocates; for tests and edges).
    public func callAsFunction(_ input: Tensor) throws(KernelError) -> Tensor {
        let source = try DNNLTensor(input, context: context)
        let destination = try makeDestination(for: source)
        try execute(source, into: destination)
        return try destination.toTensor()
    }

    /// The primitive for `source`'s layout, rebuilt if the layout is new.
    private func prepared(for source: DNNLTensor) throws(KernelError) -> (primitive: PrimitiveHandle, bridge: LayoutBridge) {
        if let built, sameLayout(built.bridge.sourceLayout, source.memory.descriptor) { return built }
        let rebuilt = try build(sourceLayout: source.memory.descriptor)
        built = rebuilt
        return rebuilt
    }

    private func build(sourceLayout: dnnl_memory_desc_t) throws(KernelError) -> (primitive: PrimitiveHandle, bridge: LayoutBridge) {
        let g = geometry
        var source = sourceLayout
        var destination = try anyDescriptor(g.outputShape)
        let strides: [Int64] = [Int64(g.strideHeight), Int64(g.strideWidth)]
        let kernel: [Int64] = [Int64(g.kernelHeight), Int64(g.kernelWidth)]
        let dilations: [Int64] = [Int64(g.dilationHeight - 1), Int64(g.dilationWidth - 1)]
        let padsBegin: [Int64] = [Int64(g.padTop), Int64(g.padLeft)]
        let padsEnd: [Int64] = [Int64(g.padBottom + g.ceilExtraBottom), Int64(g.padRight + g.ceilExtraRight)]
        let algorithm: dnnl_alg_kind_t = switch kind {
        case .max: dnnl_pooling_max
        case .average(countIncludePad: true): dnnl_pooling_avg_include_padding
        case .average(countIncludePad: false): dnnl_pooling_avg_exclude_padding
        }
        var operation = dnnl_pooling_v2_desc_t()
        try check(dnnl_pooling_v2_forward_desc_init(&operation, dnnl_forward_inference, algorithm, &source,
                                                    &destination, strides, kernel, dilations, padsBegin, padsEnd),
                  where: "dnnl_pooling_v2_forward_desc_init")
        context.applyThreadCount()
        let engine = context.engine.raw
        let descriptor = try PrimitiveDescHandle(function: "dnnl_primitive_desc_create(pooling)") { out in
            dnnl_primitive_desc_create(&out, &operation, nil, engine, nil)
        }
        let bridge = LayoutBridge(sourceLayout: try descriptor.memoryDescriptor(dnnl_query_src_md),
                                  destinationLayout: try descriptor.memoryDescriptor(dnnl_query_dst_md))
        return (try context.makePrimitive(descriptor), bridge)
    }
}
