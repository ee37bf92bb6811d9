/// What import knows about the tensors seen so far, while it walks the nodes in order: the
/// values that do not depend on the pixels (`ProbedValue`: constants, and values computed from
/// the batch size at each probe batch size), and every tensor's shape at each probe batch size.
/// Shapes of translated nodes follow `ShapeRules`; a node whose shape cannot be inferred yet
/// gets none (the graph's own shape inference reports it later).
struct KnownValues {
    /// The batch sizes at which import evaluates values that depend on the batch size. Two fix
    /// an affine form a·N + b; the others check it, 64 against thresholds such as min(N, 8).
    static let probeBatchSizes = [1, 2, 3, 5, 64]

    private(set) var values: [String: ProbedValue] = [:]
    /// The values that do not depend on the batch size.
    private(set) var constants: [String: StoredTensor] = [:]
    /// Every known tensor's shape at each probe batch size, in `probeBatchSizes` order.
    private(set) var probeShapes: [String: [[Int]]] = [:]
    /// Every known tensor's shape at batch size 1.
    private(set) var shapes: [String: [Int]] = [:]

    init(constants: [String: StoredTensor], input: GraphInput) {
        setShapes(Self.probeBatchSizes.map { input.shape(batchSize: $0) }, of: input.name)
        for (name, value) in constants { add(.fixed(value), as: name) }
    }

    mutating func add(_ value: ProbedValue, as name: String) {
        values[name] = value
        if case .fixed(let stored) = value { constants[name] = stored }
        setShapes(Self.probeBatchSizes.indices.map { value.at($0).shape }, of: name)
    }

    /// The integer value `name` as a·N + b per element (`ProbedValue.folded`), or nil.
    func folded(_ name: String) -> FoldedInteger? {
        values[name]?.folded(batchSizes: Self.probeBatchSizes)
    }

    /// Whether `name`'s leading axis is the batch at every probe.
    func leadingAxisIsBatch(_ name: String) -> Bool {
        guard let probes = probeShapes[name] else { return false }
        return zip(probes, Self.probeBatchSizes).allSatisfy { $0.first == $1 }
    }

    /// Records the output shapes of a translated node (not a constant).
    mutating func track(_ item: TranslatedNode) {
        switch item {
        case .node(let node):
            let operands = node.inputs.map { probeShapes[$0] }
            guard operands.allSatisfy({ $0 != nil }) else { return }
            var outputs: [[Int]] = []
            for probe in Self.probeBatchSizes.indices {
                guard let shape = try? ShapeRules.outputShape(of: node.op, operands: operands.map { $0?[probe] ?? [] }) else { return }
                outputs.append(shape)
            }
            setShapes(outputs, of: node.output)
        case .batchNorm(let batchNorm):
            carry(batchNorm.input, to: batchNorm.output)
        case .passThrough(_, _, let input, let output, _):
            carry(input, to: output)
        case .constant:
            preconditionFailure("constants are added, not tracked")
        }
    }

    private mutating func carry(_ input: String, to output: String) {
        if let probes = probeShapes[input] { setShapes(probes, of: output) }
    }

    private mutating func setShapes(_ probes: [[Int]], of name: String) {
        probeShapes[name] = probes
        shapes[name] = probes[0]
    }
}
