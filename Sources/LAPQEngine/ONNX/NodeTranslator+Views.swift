import LAPQKernels

/// Ops on run-time tensors whose parameters import knows, translated to lapq operations:
/// Squeeze and Unsqueeze as a Reshape (a view), Gather whose indices select a strided range as
/// Slice + Reshape, Split as one Slice per output, and Pad. Parameters that depend on the batch size are read at every probe
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

    /// Split of `inputs[0]` along `axis`: one Slice per output, each writing that output (torch's
    /// `split` and `chunk`, and ShuffleNet's channel split where the exporter writes Split). The
    /// axis must not follow the batch size: a part of the batch is not a network's tensor.
    func split(_ attributes: AttributeReader, _ inputs: [String], outputs: [String], name: String,
               _ context: NodeContext) throws -> [TranslatedNode] {
        let shapes = try probeShapes(of: inputs[0], context)
        let axis = try ConstantInterpreter(attributes: attributes, opset: opset)
            .normalized(axis: try attributes.int("axis", default: 0), rank: shapes[0].count)
        let sizes = shapes.map { $0[axis] }
        guard Set(sizes).count == 1 else {
            throw context.unsupported("it splits axis \(axis), whose size \(sizes) follows the batch size \(KnownValues.probeBatchSizes)")
        }
        let parts = try splitParts(attributes, inputs, outputCount: outputs.count, size: sizes[0], context)
        var names = UniqueNames(taken: takenNames)
        var items: [TranslatedNode] = []
        var start = 0
        for (output, part) in zip(outputs, parts) {
            defer { start += part }
            guard !output.isEmpty else { continue }
            let slice = SliceAttributes(starts: [start], ends: [start + part], axes: [axis], steps: [1])
            items.append(.node(Node(name: names.fresh("\(name)/\(output)"), op: .slice(slice), inputs: [inputs[0]], outputs: [output])))
        }
        return items
    }

    /// The size of each of Split's outputs along its axis: the `split` input (opset ≥ 13) or
    /// attribute (before), else equal parts — from opset 18 `num_outputs` parts of ⌈size / n⌉,
    /// the last one smaller where the size does not divide.
    private func splitParts(_ attributes: AttributeReader, _ inputs: [String], outputCount: Int, size: Int,
                            _ context: NodeContext) throws -> [Int] {
        var parts: [Int]
        if opset >= 13, inputs.count > 1, !inputs[1].isEmpty {
            parts = try integerConstant(inputs[1], context)
        } else if opset < 13, attributes.has("split") {
            parts = try attributes.ints("split", default: [])
        } else if opset >= 18 {
            let count = try attributes.int("num_outputs", default: 0)
            guard count >= 1 else { throw context.unsupported("needs the split input or the num_outputs attribute") }
            let chunk = (size + count - 1) / count
            parts = (0..<count).map { min(chunk, size - $0 * chunk) }
        } else {
            guard size % outputCount == 0 else {
                throw context.unsupported("axis size \(size) does not split into \(outputCount) equal parts")
            }
            parts = Array(repeating: size / outputCount, count: outputCount)
        }
        guard parts.count == outputCount, parts.allSatisfy({ $0 > 0 }), parts.reduce(0, +) == size else {
            throw context.unsupported("parts \(parts) do not divide the axis's \(size) elements among its \(outputCount) outputs, "
                                      + "none of them empty")
        }
        return parts
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
