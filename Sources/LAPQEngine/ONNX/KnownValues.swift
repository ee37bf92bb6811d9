/// What import knows about the tensors seen so far, while it walks the nodes in order: the
/// constants, the integer tensors (constants and folded shape arithmetic, `FoldedInteger`),
/// and every tensor's shape at batch size 1 with the set of tensors whose leading axis is the
/// batch. Shapes of translated nodes follow `ShapeRules`; a node whose shape cannot be
/// inferred yet gets none (the graph's own shape inference reports it later).
struct KnownValues {
    private(set) var constants: [String: StoredTensor]
    private(set) var integers: [String: FoldedInteger] = [:]
    private(set) var shapes: [String: [Int]] = [:]
    private(set) var batched: Set<String>

    init(constants: [String: StoredTensor], input: GraphInput) {
        self.constants = [:]
        self.batched = [input.name]
        shapes[input.name] = input.shape(batchSize: 1)
        for (name, value) in constants { add(.constant(value), as: name) }
    }

    mutating func add(_ value: ShapeFolder.Result, as name: String) {
        switch value {
        case .integer(let folded):
            integers[name] = folded
            shapes[name] = folded.shape
            if let stored = folded.storedTensor { constants[name] = stored }
        case .constant(let stored):
            constants[name] = stored
            shapes[name] = stored.shape
            if case .integer(let shape, let values) = stored {
                integers[name] = FoldedInteger(shape: shape, values: values.map(BatchAffine.fixed))
            }
        }
    }

    /// Records the output shape of a translated node (not a constant).
    mutating func track(_ item: TranslatedNode) {
        switch item {
        case .node(let node):
            let operands = node.inputs.compactMap { shapes[$0] }
            guard operands.count == node.inputs.count,
                  let shape = try? ShapeRules.outputShape(of: node.op, operands: operands) else { return }
            shapes[node.output] = shape
            if node.inputs.contains(where: batched.contains) { batched.insert(node.output) }
        case .batchNorm(let batchNorm):
            carry(batchNorm.input, to: batchNorm.output)
        case .passThrough(_, _, let input, let output, _):
            carry(input, to: output)
        case .constant:
            preconditionFailure("constants are added, not tracked")
        }
    }

    private mutating func carry(_ input: String, to output: String) {
        shapes[output] = shapes[input]
        if batched.contains(input) { batched.insert(output) }
    }
}
