import LAPQKernels

/// Ops on run-time tensors whose parameters import knows, translated to lapq operations:
/// Squeeze and Unsqueeze as a Reshape (a view), Gather whose indices select a strided range as
/// Slice + Reshape, and Pad. Parameters that depend on the batch size are read at every probe
/// batch size (`KnownValues`) and must fit ONNX's Reshape markers (`FoldedInteger`).
extension NodeTranslator {
    /// The Reshape target of a Squeeze or Unsqueeze of run-time tensor `inputs[0]`.
    func viewTarget(_ op: String, _ attributes: AttributeReader, _ inputs: [String], _ context: NodeContext) throws -> [Int] {
        let interpreter = ConstantInterpreter(attributes: attributes, opset: opset)
        let outputs = try probeShapes(of: inputs[0], context).enumerated().map { probe, shape in
            try interpreter.outputShape(op, input: shape, inputs: inputs.map { known.values[$0]?.at(probe) })
        }
        return try reshapeTarget(outputs, copiesLeadingBatch: known.leadingAxisIsBatch(inputs[0]), context)
    }

    /// Gather along `axis` with indices `start, start + step, …` at every probe is Slice
    /// (start, end, step) followed by a Reshape that puts the indices' shape in place of the axis.
    func gatherAsSlice(_ attributes: AttributeReader, _ inputs: [String], name: String, output: String,
                       _ context: NodeContext) throws -> [TranslatedNode] {
        guard inputs.count == 2, let indices = known.values[inputs[1]] else {
            throw context.unsupported("Gather of a run-time tensor needs indices known at import")
        }
        let dataShapes = try probeShapes(of: inputs[0], context)
        let axis = try ConstantInterpreter(attributes: attributes, opset: opset)
            .normalized(axis: try attributes.int("axis", default: 0), rank: dataShapes[0].count)
        var ranges: [SliceRange] = [], outputShapes: [[Int]] = []
        for (probe, shape) in dataShapes.enumerated() {
            let value = indices.at(probe)
            guard let range = stridedRange(value.integerValues ?? [], size: shape[axis]) else {
                throw context.unsupported("Gather of a run-time tensor is supported where its indices select a strided range; "
                                          + "'\(inputs[1])' does not (at batch size \(KnownValues.probeBatchSizes[probe]))")
            }
            ranges.append(range)
            outputShapes.append(Array(shape[..<axis]) + value.shape + Array(shape[(axis + 1)...]))
        }
        let slice = try sliceAttributes(ranges, axis: axis, sizes: dataShapes.map { $0[axis] }, context)
        var builder = CompositeBuilder(node: name, output: output, takenNames: takenNames)
        let sliced = slice.map { builder.add("Slice", .slice($0), [inputs[0]]) } ?? inputs[0]
        var slicedShapes = dataShapes
        for probe in slicedShapes.indices { slicedShapes[probe][axis] = ranges[probe].count }
        let leadingIsBatch = zip(slicedShapes, KnownValues.probeBatchSizes).allSatisfy { $0.first == $1 }
        let target = try reshapeTarget(outputShapes, copiesLeadingBatch: leadingIsBatch, context)
        _ = builder.add("Reshape", .reshape(shape: target), [sliced], last: true)
        return builder.items
    }

    /// The indices as `start, start + step, …` (step ≥ 1, negatives counted from the end), or nil.
    private func stridedRange(_ indices: [Int64], size: Int) -> SliceRange? {
        let positions = indices.map { Int(clamping: $0 < 0 ? $0 + Int64(size) : $0) }
        guard let start = positions.first, positions.allSatisfy({ (0..<size).contains($0) }) else { return nil }
        let step = positions.count > 1 ? positions[1] - start : 1
        guard step >= 1, positions.enumerated().allSatisfy({ $1 == start + $0 * step }) else { return nil }
        return SliceRange(start: start, end: start + (positions.count - 1) * step + 1, step: step, size: size)
    }

    /// One Slice that selects `ranges[p]` at every probe (nil when it selects everything): the
    /// start and step must not depend on the batch size; the end is "to the end" where every
    /// range runs to its axis's end, else the same at every probe.
    private func sliceAttributes(_ ranges: [SliceRange], axis: Int, sizes: [Int], _ context: NodeContext) throws -> SliceAttributes? {
        let first = ranges[0]
        let reachesEnd = zip(ranges, sizes).allSatisfy { $0.start + $0.count * $0.step >= $1 }
        let ends = ranges.map { $0.start + ($0.count - 1) * $0.step + 1 }
        guard ranges.allSatisfy({ $0.start == first.start && ($0.step == first.step || $0.count == 1) }),
              reachesEnd || Set(ends).count == 1 else {
            throw context.unsupported("the selected range \(ranges.map { "\($0.start)..<\($0.start + $0.count * $0.step) step \($0.step)" }) depends on the batch size")
        }
        if first.start == 0, first.step == 1, reachesEnd { return nil }
        return SliceAttributes(starts: [first.start], ends: [reachesEnd ? Int.max : ends[0]], axes: [axis], steps: [first.step])
    }

    /// A Reshape target giving `outputs[p]` at every probe batch size.
    private func reshapeTarget(_ outputs: [[Int]], copiesLeadingBatch: Bool, _ context: NodeContext) throws -> [Int] {
        let shapes = ProbedValue(probes: outputs.map { .integer(shape: [$0.count], values: $0.map { Int64($0) }) })
        guard let target = shapes.folded(batchSizes: KnownValues.probeBatchSizes)?.reshapeTarget(copiesLeadingBatch: copiesLeadingBatch) else {
            throw context.unsupported("its output shapes \(outputs) at batch sizes \(KnownValues.probeBatchSizes) are not a Reshape lapq can express")
        }
        return target
    }

    private func probeShapes(of tensor: String, _ context: NodeContext) throws -> [[Int]] {
        guard let shapes = known.probeShapes[tensor] else {
            throw context.unsupported("the shape of '\(tensor)' is not known at import")
        }
        return shapes
    }

    /// Pad's pads, mode and fill: attributes before opset 11 (`paddings` in opset 1), inputs
    /// (pads, constant_value?, axes?) from 11 on, as 2 · rank pads.
    func padAttributes(_ attributes: AttributeReader, _ inputs: [String], _ context: NodeContext) throws -> PadAttributes {
        let text = try attributes.string("mode", default: "constant")
        guard let mode = PadMode(rawValue: text) else {
            throw context.unsupported("mode '\(text)' is not supported (constant, reflect, edge are)")
        }
        guard let rank = known.shapes[inputs[0]]?.count else { throw context.unsupported("the rank of '\(inputs[0])' is not known") }
        if opset < 11 {
            let pads = try attributes.ints(opset < 2 ? "paddings" : "pads", default: [])
            return PadAttributes(pads: pads, mode: mode, value: try attributes.float("value", default: 0))
        }
        guard inputs.count > 1, !inputs[1].isEmpty else { throw context.unsupported("the pads input is missing") }
        let given = try integerConstant(inputs[1], context)
        var value: Float = 0
        if inputs.count > 2, !inputs[2].isEmpty {
            guard case .float(let fill)? = known.constants[inputs[2]], fill.count == 1 else {
                throw context.unsupported("constant_value must be a float scalar known at import")
            }
            value = fill.data[0]
        }
        let axes = inputs.count > 3 && !inputs[3].isEmpty ? try integerConstant(inputs[3], context) : Array(0..<rank)
        guard given.count == 2 * axes.count else { throw context.unsupported("pads \(given) do not fit axes \(axes)") }
        var pads = [Int](repeating: 0, count: 2 * rank)
        for (index, axis) in axes.enumerated() {
            let normalized = try ConstantInterpreter(attributes: attributes, opset: opset).normalized(axis: axis, rank: rank)
            pads[normalized] = given[index]
            pads[rank + normalized] = given[axes.count + index]
        }
        return PadAttributes(pads: pads, mode: mode, value: value)
    }
}
