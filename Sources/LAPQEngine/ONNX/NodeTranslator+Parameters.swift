import Foundation

/// Operations whose parameters moved between attributes and constant inputs across opsets,
/// and the nodes that do not map to one `Operator` (BatchNormalization, Constant).
extension NodeTranslator {
    /// Clip bounds are attributes before opset 11 and optional constant inputs from 11 on.
    func clip(_ attributes: AttributeReader, _ inputs: [String], _ context: NodeContext) throws -> Operator {
        if opset < 11 {
            return .clip(min: try attributes.float("min", default: -.infinity),
                         max: try attributes.float("max", default: .infinity))
        }
        func bound(_ index: Int, _ absent: Float) throws -> Float {
            guard index < inputs.count, !inputs[index].isEmpty else { return absent }
            let values = try floatConstant(inputs[index], context)
            guard values.count == 1 else {
                throw context.unsupported("bound '\(inputs[index])' has \(values.count) elements; expected a scalar")
            }
            return values[0]
        }
        return .clip(min: try bound(1, -.infinity), max: try bound(2, .infinity))
    }

    /// The target shape is the `shape` attribute before opset 5 and a constant input after
    /// (values import computed included, `FoldedInteger.reshapeTarget`).
    func reshapeTarget(_ attributes: AttributeReader, _ inputs: [String], _ context: NodeContext) throws -> [Int] {
        let allowZero = try attributes.int("allowzero", default: 0) != 0
        if opset < 5 { return try attributes.ints("shape", default: []) }
        guard inputs.count > 1, !inputs[1].isEmpty else { throw context.unsupported("the shape input is missing") }
        guard let folded = known.folded(inputs[1]) else {
            throw ONNXImportError.unresolvableShape(file: file, node: context.node, op: context.op, tensor: inputs[1])
        }
        // With allowzero a 0 in the file means size 0; lapq's own 0 below copies the batch.
        if allowZero, folded.values.contains(.fixed(0)) {
            throw context.unsupported("allowzero with a zero in shape \(folded.values.map { $0.fixedValue ?? -1 }) is not supported")
        }
        // A target computed from the batch size (Shape → Gather → Concat) keeps it as 0 or −1.
        guard let target = folded.reshapeTarget(copiesLeadingBatch: known.leadingAxisIsBatch(inputs[0])) else {
            throw context.unsupported("its target \(folded.values) depends on the batch size in a way a Reshape cannot express")
        }
        return target
    }

    func batchNorm(_ attributes: AttributeReader, _ inputs: [String], _ outputs: [String],
                   _ context: NodeContext) throws -> TranslatedNode {
        guard inputs.count == 5, outputs.count >= 1 else {
            throw context.unsupported("expected 5 inputs (X, scale, B, mean, var), got \(inputs.count)")
        }
        guard outputs.dropFirst().allSatisfy(\.isEmpty) else {
            throw context.unsupported("training outputs \(outputs.dropFirst().filter { !$0.isEmpty }) are not supported")
        }
        guard try attributes.int("training_mode", default: 0) == 0,
              try attributes.int("spatial", default: 1) == 1 else {
            throw context.unsupported("training_mode or spatial=0 is not supported")
        }
        for parameter in inputs[1...] where !isFloatConstant(parameter) {
            throw ONNXImportError.unresolvableShape(file: file, node: context.node, op: context.op, tensor: parameter)
        }
        return .batchNorm(BatchNormNode(
            name: context.node, input: inputs[0], scale: inputs[1], bias: inputs[2], mean: inputs[3],
            variance: inputs[4], epsilon: try attributes.float("epsilon", default: 1e-5), output: outputs[0]))
    }

    /// A Constant node's value: `value` (a tensor) or one of the `value_float(s)` /
    /// `value_int(s)` forms. Sparse and string constants are not supported.
    func constant(_ attributes: AttributeReader, output: String, _ context: NodeContext) throws -> TranslatedNode {
        if var proto = try attributes.tensor("value") {
            proto.name = output
            return .constant(output: output, value: try decoder.decode(proto))
        }
        if attributes.has("value_float") {
            return .constant(output: output, value: .float(Tensor(shape: [], data: [try attributes.float("value_float", default: 0)])))
        }
        if let values = try attributes.floats("value_floats") {
            return .constant(output: output, value: .float(Tensor(shape: [values.count], data: values)))
        }
        if attributes.has("value_int") {
            return .constant(output: output, value: .integer(shape: [], values: [Int64(try attributes.int("value_int", default: 0))]))
        }
        if attributes.has("value_ints") {
            let values = try attributes.ints("value_ints", default: []).map { Int64($0) }
            return .constant(output: output, value: .integer(shape: [values.count], values: values))
        }
        throw context.unsupported("only tensor, float and int constant values are supported")
    }

    private func isFloatConstant(_ name: String) -> Bool {
        if case .float? = known.constants[name] { return true }
        return false
    }

    private func floatConstant(_ name: String, _ context: NodeContext) throws -> [Float] {
        guard case .float(let tensor)? = known.constants[name] else {
            throw ONNXImportError.unresolvableShape(file: file, node: context.node, op: context.op, tensor: name)
        }
        return tensor.data
    }
}
