import LAPQKernels
import LAPQMath

/// The int8 form of a compiled Conv or inner-product step whose input and weight are both
/// quantized and whose `LayerPath` is int8: while step sizes are set, the step runs on an
/// `IntegerLayerPrimitive` — input codes × weight codes + bias codes, scaled by Δx·Δw —
/// instead of the f32 primitive on fake-quantized values — with bias correction, on the
/// uncorrected weight codes, the correction then taken off its output (`OutputCorrection`); in
/// a float run it has no primitive and the f32 one runs. See docs/engine.md, "Integer convolution".
final class IntegerLayer {
    /// What the primitive computes.
    enum Shape {
        case convolution(Conv2DGeometry)
        /// Gemm / MatMul: the input (N, K) and the number of outputs; `transposesWeight` when the
        /// model stores the weight as (K, O) (MatMul, Gemm with transB = 0).
        case innerProduct(inputShape: [Int], outFeatures: Int, transposesWeight: Bool)
    }

    let shape: Shape
    let postOps: [PostOp]
    let isSourceSigned: Bool
    /// The primitive for the current step sizes; nil while the network runs in float.
    private(set) var primitive: (any IntegerLayerPrimitive)?
    /// What bias correction subtracts from the primitive's output, which then has no post-ops
    /// (they run after the correction); nil when the plan does not correct bias.
    private(set) var correction: OutputCorrection?
    /// Whether the layer's f32 primitive missed weight updates while this form ran.
    var floatPrimitiveIsStale = false

    init(shape: Shape, postOps: [PostOp], isSourceSigned: Bool) {
        self.shape = shape
        self.postOps = postOps
        self.isSourceSigned = isSourceSigned
    }

    /// Rebuilds the primitive for the layer's current quantizers (oneDNN fixes the output
    /// scales Δx·Δw_c at creation: one, or one per output channel for a per-channel weight), or
    /// drops it when either is missing (a float run), a bias code leaves `Int8ExactRange`, or a
    /// per-channel weight's bias has no per-channel grid (`QuantizationBinding.biasQuantizers`).
    /// `biasShifts` are the per-output-channel δ_c a bias-correcting plan subtracts from the
    /// fake-quantized weight (`QuantizationBinding.biasCorrectionShift`), nil otherwise.
    func update(context: DNNLContext, weight: Tensor, bias: Tensor?, input: UniformQuantizer?,
                weightQuantizer: AxisQuantizer?, biasShifts: [Float]?) throws {
        primitive = nil   // release the old primitive's memory before building the new one
        correction = nil
        guard let input, let weightQuantizer, !input.isIdentity, !weightQuantizer.isIdentity else { return }
        let biasQuantizers = [BiasQuantizer](input: input, weight: weightQuantizer)
        if let bias, bias.count != biasQuantizers.count, biasQuantizers.count > 1 { return }
        let biasCodes = bias.map { biasQuantizers.codes($0.data) }
        // A bias code this large (|b| ≥ 2^30 · Δx·Δw) is not exact on every ISA: this step
        // vector runs the layer in f32, on every host alike.
        if let biasCodes, biasCodes.contains(where: { abs(Int($0)) > Int8ExactRange.largestBiasCode }) { return }
        let weightCodes = weightQuantizer.encoded(weight.data, shape: weight.shape).map { Int8(bitPattern: $0) }
        let outputScales = biasQuantizers.map(\.scale)
        let correction = biasShifts.map { shifts in
            OutputCorrection(window: correctionWindow, shifts: shifts, inputStep: input.stepSize, postOps: postOps,
                             isSourceSigned: isSourceSigned)
        }
        // A corrected layer's activation must follow the correction, so it leaves the primitive.
        let fusedPostOps = correction == nil ? postOps : []
        switch shape {
        case .convolution(let geometry):
            primitive = try IntegerConv2DPrimitive(
                context: context, geometry: geometry, isSourceSigned: isSourceSigned, weightCodes: weightCodes,
                biasCodes: biasCodes, outputScales: outputScales, postOps: fusedPostOps)
        case let .innerProduct(inputShape, outFeatures, transposesWeight):
            primitive = try IntegerInnerProductPrimitive(
                context: context, inputShape: inputShape, outFeatures: outFeatures, isSourceSigned: isSourceSigned,
                weightCodes: transposesWeight ? Self.transposed(weightCodes, rows: weight.shape[0]) : weightCodes,
                biasCodes: biasCodes, outputScales: outputScales, postOps: fusedPostOps)
        }
        self.correction = correction
    }

    /// The input window of each output, as `OutputCorrection` sums it.
    private var correctionWindow: OutputCorrection.Window {
        switch shape {
        case .convolution(let geometry): return .convolution(geometry)
        case .innerProduct: return .innerProduct
        }
    }

    /// The (columns, rows) transpose of a row-major (rows, columns) matrix of codes.
    private static func transposed(_ codes: [Int8], rows: Int) -> [Int8] {
        let columns = codes.count / rows
        return (0..<codes.count).map { index in codes[(index % rows) * columns + index / rows] }
    }
}
