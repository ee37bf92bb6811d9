import LAPQKernels
import LAPQMath

/// The int8 form of a compiled Conv step whose input and weight are both quantized (and whose
/// weight is not bias-corrected, i.e. on its grid): while step sizes are set, the step runs on
/// `IntegerConv2DPrimitive` — input codes × weight codes + bias codes, scaled by Δx·Δw —
/// instead of the f32 primitive on fake-quantized values; in a float run it has no primitive
/// and the f32 one runs. See docs/engine.md, "Integer convolution".
final class IntegerConvolution {
    let geometry: Conv2DGeometry
    let postOps: [PostOp]
    let isSourceSigned: Bool
    /// The primitive for the current step sizes; nil while the network runs in float.
    private(set) var primitive: IntegerConv2DPrimitive?

    init(geometry: Conv2DGeometry, postOps: [PostOp], isSourceSigned: Bool) {
        self.geometry = geometry
        self.postOps = postOps
        self.isSourceSigned = isSourceSigned
    }

    /// Rebuilds the primitive for the layer's current quantizers (oneDNN fixes the output
    /// scale Δx·Δw at creation), or drops it when either is missing (a float run) or a bias
    /// code leaves `Int8ExactRange`.
    func update(context: DNNLContext, weight: Tensor, bias: Tensor?, input: UniformQuantizer?,
                weightQuantizer: UniformQuantizer?) throws {
        guard let input, let weightQuantizer, !input.isIdentity, !weightQuantizer.isIdentity else {
            primitive = nil
            return
        }
        let biasQuantizer = BiasQuantizer(inputStep: input.stepSize, weightStep: weightQuantizer.stepSize)
        let biasCodes = bias.map { $0.data.map(biasQuantizer.code) }
        primitive = nil   // release the old primitive's memory before building the new one
        // A bias code this large (|b| ≥ 2^30 · Δx·Δw) is not exact on every ISA: this step
        // vector runs the layer in f32, on every host alike.
        if let biasCodes, biasCodes.contains(where: { abs(Int($0)) > Int8ExactRange.largestBiasCode }) { return }
        primitive = try IntegerConv2DPrimitive(
            context: context, geometry: geometry, isSourceSigned: isSourceSigned,
            weightCodes: Self.codes(weight.data, weightQuantizer), biasCodes: biasCodes,
            outputScale: biasQuantizer.scale, postOps: postOps)
    }

    /// The int8 codes of `values` (the vector encoder; equal to `quantizer.code`).
    private static func codes(_ values: [Float], _ quantizer: UniformQuantizer) -> [Int8] {
        var bytes = [UInt8](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { input in
            bytes.withUnsafeMutableBufferPointer { quantizer.encode(input, into: $0) }
        }
        return bytes.map { Int8(bitPattern: $0) }
    }
}
