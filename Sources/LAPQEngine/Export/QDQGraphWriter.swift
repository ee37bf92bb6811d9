import LAPQMath

/// Writes a lapq `Graph` as an ONNX GraphProto with QuantizeLinear / Clip / DequantizeLinear
/// around every quantization point of a bound plan, its codes in the types of `format`. See
/// `QDQExporter` for the contract.
struct QDQGraphWriter {
    private let graph: Graph
    private let format: QDQExportFormat
    private let plan: QuantizationPlan
    private let binding: QuantizationBinding
    /// One quantizer per plan point (bits 32: identity, left in float); a per-channel weight's
    /// has one per output channel.
    private let quantizers: [AxisQuantizer]
    /// Every tensor's dimensions; nil where the size is the batch.
    private let dimensions: [String: [Int?]]
    /// Every tensor's shape at batch size 1.
    private let shapes: [String: [Int]]
    private var assembler: ONNXGraphAssembler
    /// The dequantized tensor of each point written so far, by point index.
    private var dequantized: [Int: String] = [:]

    /// `binding` must have its step sizes set.
    init(graph: Graph, binding: QuantizationBinding, format: QDQExportFormat,
         shapes: [String: [Int]], dimensions: [String: [Int?]]) {
        guard let quantizers = binding.quantizers else { preconditionFailure("the binding has no step sizes") }
        self.graph = graph
        self.format = format
        self.plan = binding.plan
        self.binding = binding
        self.quantizers = quantizers
        self.shapes = shapes
        self.dimensions = dimensions
        let taken = Set(graph.nodes.flatMap { [$0.name] + $0.outputs })
            .union(graph.initializers.keys).union([graph.input.name])
        self.assembler = ONNXGraphAssembler(takenNames: taken, opset: format.opsetVersion)
    }

    /// The graph: the source nodes in order, each quantized operand read through its Q/DQ
    /// chain (written just before its first quantized reader), the float initializers that a
    /// node still reads (sorted by name), then the generated constants.
    mutating func write() throws -> Onnx_GraphProto {
        for (index, node) in graph.nodes.enumerated() {
            var inputs = node.inputs
            if let point = binding.activationPoint[index], !quantizers[point].isIdentity {
                inputs[0] = dequantizedActivation(point)
            }
            if let point = binding.weightPoint[index], !quantizers[point].isIdentity {
                inputs[1] = try dequantizedWeight(point, node: index)
            }
            if let quantizers = binding.biasQuantizers(node: index), let bias = graph.initializers[node.inputs[2]] {
                inputs[2] = dequantizedBias(node.inputs[2], bias, quantizers)
            }
            assembler.appendNode(node, inputs: inputs, shapes: shapes)
        }
        let read = Set(assembler.nodes.flatMap(\.input)).union(graph.outputs)
        var proto = Onnx_GraphProto()
        proto.name = "lapq-qdq"
        proto.node = assembler.nodes
        proto.initializer = graph.initializers.keys.sorted().filter(read.contains).compactMap { name in
            graph.initializers[name].map { Onnx_TensorProto.float(name: name, shape: $0.shape, values: $0.data) }
        } + assembler.initializers
        proto.input = [valueInfo(graph.input.name)]
        proto.output = graph.outputs.map(valueInfo)
        return proto
    }

    private func valueInfo(_ tensor: String) -> Onnx_ValueInfoProto {
        .float(name: tensor, dimensions: dimensions[tensor] ?? [], symbol: QDQExporter.batchDimension)
    }

    /// QuantizeLinear → DequantizeLinear onto the point's code type, clamped to [qmin, qmax]
    /// where that type's saturation does not do it (`QDQCodeType.activationClamp`): by a Clip
    /// on the codes (8-bit) or on the float input (4-bit). A 4-bit QuantizeLinear names its type
    /// by `output_dtype` instead of reading the zero point (`quantizeLinearTypedByZeroPoint`).
    /// Once per activation point; returns the dequantized tensor's name.
    private mutating func dequantizedActivation(_ point: Int) -> String {
        if let name = dequantized[point] { return name }
        let tensor = plan.points[point].tensor
        let quantizer = quantizers[point].channels[0]
        let type = format.codeType(of: quantizer)
        let clamp = type.activationClamp(for: quantizer)
        let (scale, zeroPoint) = addScaleAndZeroPoint(tensor, AxisQuantizer(quantizer), shape: [])
        var input = tensor
        if clamp == .input {
            let lower = Float(quantizer.quantMin) * quantizer.stepSize, upper = Float(quantizer.quantMax) * quantizer.stepSize
            input = appendClip(tensor, reading: tensor,
                               lower: assembler.addFloatConstant(tensor + "_clip_min", shape: [], values: [lower]),
                               upper: assembler.addFloatConstant(tensor + "_clip_max", shape: [], values: [upper]))
        }
        var codes = assembler.freshName(tensor + "_quantized")
        let typed = type.quantizeLinearTypedByZeroPoint
        assembler.append(Onnx_NodeProto(name: assembler.freshName(tensor + "_QuantizeLinear"), opType: "QuantizeLinear",
                                        inputs: typed ? [input, scale, zeroPoint] : [input, scale], outputs: [codes],
                                        attributes: typed ? [] : [.int("output_dtype", type.dataType.rawValue)]))
        if clamp == .codes {
            let lower = addCode(tensor + "_qmin", quantizer.quantMin, type: type)
            let upper = addCode(tensor + "_qmax", quantizer.quantMax, type: type)
            codes = appendClip(tensor, reading: codes, lower: lower, upper: upper)
        }
        let output = assembler.freshName(tensor + "_dequantized")
        assembler.append(Onnx_NodeProto(name: assembler.freshName(tensor + "_DequantizeLinear"), opType: "DequantizeLinear",
                                        inputs: [codes, scale, zeroPoint], outputs: [output]))
        dequantized[point] = output
        return output
    }

    /// `<tensor>_Clip(input, lower, upper)` → `<tensor>_clipped`; returns the output's name.
    private mutating func appendClip(_ tensor: String, reading input: String, lower: String, upper: String) -> String {
        let clipped = assembler.freshName(tensor + "_clipped")
        assembler.append(Onnx_NodeProto(name: assembler.freshName(tensor + "_Clip"), opType: "Clip",
                                        inputs: [input, lower, upper], outputs: [clipped]))
        return clipped
    }

    /// The weight stored as codes clamp(round(w / Δ), −(2^(b−1) − 1), 2^(b−1) − 1) of the
    /// point's code type (int8, or int4 packed two per byte) and a DequantizeLinear — per axis,
    /// Δ_c on the output-channel axis, for a per-channel weight — followed,
    /// when the plan corrects bias, by a `Sub` of the per-channel shift — read by node `index`;
    /// returns the name of the tensor the layer reads.
    private mutating func dequantizedWeight(_ point: Int, node index: Int) throws -> String {
        if let name = dequantized[point] { return name }
        let tensor = plan.points[point].tensor
        guard let weight = graph.initializers[tensor] else {
            throw QDQExportError.weightNotConstant(point: plan.points[point].name)
        }
        let quantizer = quantizers[point]
        precondition(quantizer.isSigned, "weight point '\(tensor)' must be signed")
        let codes = assembler.freshName(tensor + "_quantized")
        assembler.addInitializer(.codes(name: codes, type: format.codeType(of: quantizer.channels[0]), shape: weight.shape,
                                        values: quantizer.codes(weight.data, shape: weight.shape)))
        let (scale, zeroPoint) = addScaleAndZeroPoint(tensor, quantizer, shape: quantizer.axis == nil ? [] : [quantizer.channels.count])
        var output = assembler.freshName(tensor + "_dequantized")
        assembler.append(Onnx_NodeProto(name: assembler.freshName(tensor + "_DequantizeLinear"), opType: "DequantizeLinear",
                                        inputs: [codes, scale, zeroPoint], outputs: [output],
                                        attributes: quantizer.axis.map { [.int("axis", $0)] } ?? []))
        if let correction = binding.biasCorrectionShift(node: index, weight: weight) {
            output = subtractBiasCorrection(correction, from: output, tensor: tensor, rank: weight.rank)
        }
        dequantized[point] = output
        return output
    }

    /// The bias stored as int32 codes at scale s = Δx · Δw and a DequantizeLinear(s) (no zero
    /// point: 0) — per axis 0, s_c = Δx · Δw_c, behind a per-channel weight; returns the
    /// dequantized tensor's name. Written per layer, since s is.
    private mutating func dequantizedBias(_ tensor: String, _ bias: Tensor, _ quantizers: [BiasQuantizer]) -> String {
        let codes = assembler.freshName(tensor + "_quantized")
        assembler.addInitializer(.int32(name: codes, shape: bias.shape, values: quantizers.codes(bias.data)))
        let perChannel = quantizers.count > 1
        let scale = assembler.addFloatConstant(tensor + "_scale", shape: perChannel ? [quantizers.count] : [],
                                               values: quantizers.map(\.scale))
        let output = assembler.freshName(tensor + "_dequantized")
        assembler.append(Onnx_NodeProto(name: assembler.freshName(tensor + "_DequantizeLinear"), opType: "DequantizeLinear",
                                        inputs: [codes, scale], outputs: [output],
                                        attributes: perChannel ? [.int("axis", bias.rank - 1)] : []))
        return output
    }

    /// `Sub(dequantized, shift)` with the shift shaped to broadcast along the output-channel
    /// axis (e.g. (C_out, 1, 1, 1) for a Conv weight); returns the corrected tensor's name.
    private mutating func subtractBiasCorrection(_ correction: (axis: Int, shifts: [Float]), from dequantized: String,
                                                 tensor: String, rank: Int) -> String {
        var shape = [Int](repeating: 1, count: rank)
        shape[correction.axis] = correction.shifts.count
        let shift = assembler.addFloatConstant(tensor + "_bias_correction", shape: shape, values: correction.shifts)
        let output = assembler.freshName(tensor + "_corrected")
        assembler.append(Onnx_NodeProto(name: assembler.freshName(tensor + "_BiasCorrection"), opType: "Sub",
                                        inputs: [dequantized, shift], outputs: [output]))
        return output
    }

    /// The scale Δ (float32, as lapq applies it) and zero point 0 of the point's code type, the
    /// type of the codes DequantizeLinear reads (and that an 8-bit QuantizeLinear writes):
    /// scalars (`shape` []), or one per channel (`shape` [C]) for a per-axis DequantizeLinear.
    private mutating func addScaleAndZeroPoint(_ tensor: String, _ quantizer: AxisQuantizer, shape: [Int]) -> (String, String) {
        let scale = assembler.addFloatConstant(tensor + "_scale", shape: shape, values: quantizer.channels.map(\.stepSize))
        let zeroPoint = addCode(tensor + "_zero_point", Array(repeating: 0, count: quantizer.channels.count),
                                shape: shape, type: format.codeType(of: quantizer.channels[0]))
        return (scale, zeroPoint)
    }

    private mutating func addCode(_ base: String, _ value: Int, type: QDQCodeType) -> String {
        addCode(base, [value], shape: [], type: type)
    }

    private mutating func addCode(_ base: String, _ values: [Int], shape: [Int], type: QDQCodeType) -> String {
        let name = assembler.freshName(base)
        assembler.addInitializer(.codes(name: name, type: type, shape: shape, values: values))
        return name
    }
}
