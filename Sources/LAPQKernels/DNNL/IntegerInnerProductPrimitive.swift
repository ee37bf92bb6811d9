internal import CDNNL

/// A oneDNN int8 forward-inference inner product (Gemm / MatMul by a constant matrix) for a
/// layer whose input and weight are both quantized (`Int8Computation`):
///
///     out[n, o] = postOps(outputScale_c · (Σ_k src_code[n, k] · weight_code[o, k] + bias_code[o]))
///
/// The int8 twin of `InnerProductPrimitive` on fake-quantized values, as
/// `IntegerConv2DPrimitive` is of `Conv2DPrimitive`: exact sums, one rounding at the scaling.
/// Codes must lie in `Int8ExactRange`. A new output scale means a new primitive (oneDNN 2.6).
public final class IntegerInnerProductPrimitive {
    /// (N, K).
    public let inputShape: [Int]
    public let outFeatures: Int
    /// One scale, or one per output channel (a per-channel weight).
    public let outputScales: [Float]
    private let computation: Int8Computation

    /// Builds the primitive for `inputShape` (N, K) and loads `weightCodes` (O, K, row-major)
    /// and `biasCodes` (O) if given. `isSourceSigned` picks s8 rather than u8 input codes.
    public init(context: DNNLContext, inputShape: [Int], outFeatures: Int, isSourceSigned: Bool, weightCodes: [Int8],
                biasCodes: [Int32]?, outputScales: [Float], postOps: [PostOp] = []) throws(KernelError) {
        guard inputShape.count == 2, inputShape.allSatisfy({ $0 >= 1 }), outFeatures >= 1 else {
            throw KernelError.invalidGeometry(op: "Gemm (int8)",
                                              reason: "input \(inputShape) must be (N, K) and outputs \(outFeatures) ≥ 1")
        }
        let weightShape = [outFeatures, inputShape[1]]
        guard weightCodes.count == weightShape.reduce(1, *) else {
            throw KernelError.shapeMismatch(op: "Gemm (int8)", argument: "weights", expected: weightShape,
                                            actual: [weightCodes.count])
        }
        if let biasCodes, biasCodes.count != outFeatures {
            throw KernelError.shapeMismatch(op: "Gemm (int8)", argument: "bias", expected: [outFeatures],
                                            actual: [biasCodes.count])
        }
        guard outputScales.count == 1 || outputScales.count == outFeatures else {
            throw KernelError.shapeMismatch(op: "Gemm (int8)", argument: "output scales", expected: [outFeatures],
                                            actual: [outputScales.count])
        }
        let source = try anyDescriptor(inputShape, type: isSourceSigned ? dnnl_s8 : dnnl_u8)
        let weightLayout = try anyDescriptor(weightShape, type: dnnl_s8)
        let biasLayout = biasCodes == nil ? nil : try plainDescriptor([outFeatures], type: dnnl_s32)
        self.inputShape = inputShape
        self.outFeatures = outFeatures
        self.outputScales = outputScales
        computation = try Int8Computation(
            op: "Gemm (int8)", context: context, weightCodes: weightCodes, weightShape: weightShape,
            biasCodes: biasCodes, outputScales: outputScales) { scales throws(KernelError) in
            try makeInnerProductDescriptor(source: source, weights: weightLayout, bias: biasLayout,
                                           outputShape: [inputShape[0], outFeatures],
                                           attributes: try makeAttributes(postOps: postOps, outputScales: scales),
                                           context: context)
        }
    }

    /// (N, O).
    public var outputShape: [Int] { [inputShape[0], outFeatures] }

    /// A zeroed (N, O) f32 output in the layout the primitive writes natively.
    public func makeDestination() throws(KernelError) -> DNNLTensor {
        try computation.makeDestination(shape: outputShape)
    }

    /// Encodes `source` (f32, N × K, any layout) and computes `destination` (N, O, any layout);
    /// see `IntegerLayerPrimitive.execute(_:encode:into:)`.
    public func execute(_ source: DNNLTensor,
                        encode: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<UInt8>) -> Void,
                        into destination: DNNLTensor) throws(KernelError) {
        try requireShape(source.shape, inputShape, op: "Gemm (int8)", argument: "source")
        try requireShape(destination.shape, outputShape, op: "Gemm (int8)", argument: "destination")
        try computation.execute(source, encode: encode, into: destination)
    }

    public func withInputCodes<R>(_ body: (UnsafeBufferPointer<UInt8>, [Int]?) -> R) -> R {
        computation.withInputCodes(shape: inputShape, body)
    }
}

extension IntegerInnerProductPrimitive: IntegerLayerPrimitive {}
