/// The graph rewrites done at import, on translated nodes:
/// 1. Identity and Dropout are removed; readers of their output read their input instead.
/// 2. Each BatchNormalization is folded into the Conv that produces its input when nothing
///    else reads that Conv's output; otherwise it becomes a per-channel `.scaleShift`.
/// 3. `Mul(x, HardSigmoid(x; alpha 1/6, beta 0.5))` becomes one `.hardSwish` node (the form
///    that HardSwish takes before opset 14 and in lapq's own opset-13 export).
/// 4. A Reshape of a Reshape becomes one (`collapsingReshapeChains`).
/// 5. Initializers that no node reads are dropped.
struct ImportRewriter {
    let file: String
    /// Float constants; rewriting adds folded weights and drops unused ones.
    private(set) var initializers: [String: Tensor]
    private(set) var nodes: [Node] = []
    private(set) var outputs: [String]
    /// Every tensor name in use, so that new initializers get fresh names.
    private var names: UniqueNames

    init(file: String, initializers: [String: Tensor], outputs: [String], takenNames: Set<String>) {
        self.file = file
        self.initializers = initializers
        self.outputs = outputs
        self.names = UniqueNames(taken: takenNames)
    }

    /// Runs all rewrites over `translated` (Constant nodes must already be removed from it).
    mutating func rewrite(_ translated: [TranslatedNode]) throws {
        let pending = try removingPassThroughs(translated)
        var rewritten: [Node] = []
        for item in pending {
            switch item {
            case .node(let node): rewritten.append(node)
            case .batchNorm(let batchNorm): rewritten = try applying(batchNorm, to: rewritten, all: pending)
            case .passThrough, .constant: preconditionFailure("removed before this loop")
            }
        }
        nodes = collapsingReshapeChains(fusingHardSwish(rewritten, outputs: outputs), outputs: outputs)
        let read = Set(nodes.flatMap(\.inputs) + outputs)
        initializers = initializers.filter { read.contains($0.key) }
    }

    /// Drops Identity/Dropout and renames every read of their outputs (following chains).
    private mutating func removingPassThroughs(_ translated: [TranslatedNode]) throws -> [TranslatedNode] {
        var alias: [String: String] = [:]
        var discarded: [(node: String, op: String, tensor: String)] = []
        for case let .passThrough(name, op, input, output, unused) in translated {
            alias[output] = alias[input] ?? input
            discarded += unused.map { (name, op, $0) }
        }
        func resolve(_ tensor: String) -> String {
            var tensor = tensor
            while let target = alias[tensor] { tensor = target }
            return tensor
        }
        let kept: [TranslatedNode] = translated.compactMap { item in
            switch item {
            case .node(var node):
                node.inputs = node.inputs.map(resolve)
                return .node(node)
            case .batchNorm(var batchNorm):
                batchNorm.input = resolve(batchNorm.input)
                return .batchNorm(batchNorm)
            case .passThrough, .constant:
                return nil
            }
        }
        outputs = outputs.map(resolve)
        let read = Set(kept.flatMap(\.inputNames) + outputs)
        if let unused = discarded.first(where: { read.contains($0.tensor) }) {
            throw ONNXImportError.unsupportedAttribute(
                file: file, node: unused.node, op: unused.op,
                reason: "output '\(unused.tensor)' is read by another node; lapq only supports inference outputs")
        }
        return kept
    }

    /// Folds `batchNorm` into the Conv among `nodes` that writes its input, when allowed;
    /// otherwise appends a `.scaleShift` node.
    private mutating func applying(_ batchNorm: BatchNormNode, to nodes: [Node],
                                   all pending: [TranslatedNode]) throws -> [Node] {
        let affine = try channelAffine(batchNorm)
        let readers = pending.filter { $0.inputNames.contains(batchNorm.input) }.count
            + outputs.filter { $0 == batchNorm.input }.count
        if readers == 1,
           let index = nodes.firstIndex(where: { $0.outputs == [batchNorm.input] }),
           case .conv = nodes[index].op,
           let folded = foldedConv(nodes[index], affine: affine, output: batchNorm.output, pending: pending) {
            var nodes = nodes
            nodes[index] = folded
            return nodes
        }
        let scale = addInitializer(named: batchNorm.name + ".scale", Tensor(shape: [affine.scale.count], data: affine.scale))
        let shift = addInitializer(named: batchNorm.name + ".shift", Tensor(shape: [affine.shift.count], data: affine.shift))
        return nodes + [Node(name: batchNorm.name, op: .scaleShift, inputs: [batchNorm.input, scale, shift],
                             outputs: [batchNorm.output])]
    }

    /// Batch normalization as `y = x · scale[c] + shift[c]` with
    /// `scale = γ / √(var + ε)` and `shift = β − mean · scale`, computed in Double.
    private func channelAffine(_ batchNorm: BatchNormNode) throws -> (scale: [Float], shift: [Float]) {
        let names = [batchNorm.scale, batchNorm.bias, batchNorm.mean, batchNorm.variance]
        let parameters = names.compactMap { initializers[$0] }
        let channels = parameters.first?.count ?? 0
        guard parameters.count == 4, parameters.allSatisfy({ $0.rank == 1 && $0.count == channels }) else {
            throw ONNXImportError.unsupportedAttribute(
                file: file, node: batchNorm.name, op: "BatchNormalization",
                reason: "scale, B, mean and var must be float constants of one equal length, got shapes \(parameters.map(\.shape))")
        }
        let (gamma, beta, mean, variance) = (parameters[0].data, parameters[1].data, parameters[2].data, parameters[3].data)
        var scale = [Float](), shift = [Float]()
        for channel in 0..<channels {
            let factor = Double(gamma[channel]) / (Double(variance[channel]) + Double(batchNorm.epsilon)).squareRoot()
            scale.append(Float(factor))
            shift.append(Float(Double(beta[channel]) - Double(mean[channel]) * factor))
        }
        return (scale, shift)
    }

    /// The Conv with `W'[m, …] = W[m, …] · scale[m]` and `b'[m] = b[m] · scale[m] + shift[m]`,
    /// writing `output`; nil when the weight is not a constant with one output channel per
    /// BN channel. Weights read by other nodes are copied under a fresh name, not changed.
    private mutating func foldedConv(_ conv: Node, affine: (scale: [Float], shift: [Float]), output: String,
                                     pending: [TranslatedNode]) -> Node? {
        guard let weight = initializers[conv.inputs[1]], weight.shape.first == affine.scale.count else { return nil }
        let channels = affine.scale.count
        let bias = conv.inputs.count > 2 ? initializers[conv.inputs[2]] : Tensor(shape: [channels])
        guard let bias, bias.shape == [channels] else { return nil }
        var newWeight = weight
        let perChannel = weight.count / channels
        for channel in 0..<channels {
            for offset in channel * perChannel..<(channel + 1) * perChannel {
                newWeight.data[offset] = Float(Double(weight.data[offset]) * Double(affine.scale[channel]))
            }
        }
        let newBias = Tensor(shape: [channels], data: (0..<channels).map { channel in
            Float(Double(bias.data[channel]) * Double(affine.scale[channel]) + Double(affine.shift[channel]))
        })
        var folded = conv
        folded.inputs[1] = storing(newWeight, replacing: conv.inputs[1], pending: pending)
        let biasName = conv.inputs.count > 2 ? conv.inputs[2] : conv.name + ".bias"
        let storedBias = storing(newBias, replacing: conv.inputs.count > 2 ? biasName : nil, pending: pending,
                                 freshName: biasName)
        folded.inputs = Array(folded.inputs.prefix(2)) + [storedBias]
        folded.outputs = [output]
        return folded
    }

    /// Stores `tensor` under `name` when only one node reads that initializer; otherwise under
    /// a fresh name derived from `freshName` (or `name`).
    private mutating func storing(_ tensor: Tensor, replacing name: String?, pending: [TranslatedNode],
                                  freshName: String? = nil) -> String {
        if let name, pending.filter({ $0.inputNames.contains(name) }).count == 1, !outputs.contains(name) {
            initializers[name] = tensor
            return name
        }
        return addInitializer(named: freshName ?? name ?? "folded", tensor)
    }

    private mutating func addInitializer(named base: String, _ tensor: Tensor) -> String {
        let name = names.fresh(base)
        initializers[name] = tensor
        return name
    }
}

extension TranslatedNode {
    /// The tensors this item reads.
    var inputNames: [String] {
        switch self {
        case .node(let node): return node.inputs
        case .batchNorm(let batchNorm):
            return [batchNorm.input, batchNorm.scale, batchNorm.bias, batchNorm.mean, batchNorm.variance]
        case .passThrough(_, _, let input, _, _): return [input]
        case .constant: return []
        }
    }
}
