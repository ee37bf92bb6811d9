extension Graph {
    /// The shape of every tensor of the graph when it runs on `batchSize` samples: the input,
    /// each initializer and each node output, by name.
    ///
    /// Besides each operation's own rules, every node output that depends on the input must
    /// keep the batch as its leading dimension, and no Softmax may run across the batch:
    /// lapq evaluates a batch as independent samples and splits data sets into shards.
    ///
    /// - Throws: `GraphError.shapeMismatch` naming the first node whose operands do not fit.
    /// - Complexity: O(nodes + Σ operand ranks).
    public func inferShapes(batchSize: Int) throws -> [String: [Int]] {
        precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
        var shapes = initializers.mapValues(\.shape)
        shapes[input.name] = input.shape(batchSize: batchSize)
        var batched: Set<String> = [input.name]
        for node in nodes {
            let operands = node.inputs.map { shapes[$0] ?? [] }
            let shape: [Int]
            do {
                shape = try ShapeRules.outputShape(of: node.op, operands: operands)
                if node.inputs.contains(where: batched.contains) {
                    try Graph.checkKeepsBatch(node.op, shape: shape, inputRank: operands[0].count, batchSize: batchSize)
                    batched.insert(node.output)
                }
            } catch {
                throw GraphError.shapeMismatch(node: node.name, op: node.op.name, reason: error.reason)
            }
            shapes[node.output] = shape
        }
        return shapes
    }

    private static func checkKeepsBatch(_ op: Operator, shape: [Int], inputRank: Int, batchSize: Int) throws(ShapeFailure) {
        guard shape.first == batchSize else {
            throw ShapeFailure("output shape \(shape) does not keep the batch of \(batchSize) as its first dimension")
        }
        if case .softmax(let axis) = op, axis == 0 || axis == -shape.count {
            throw ShapeFailure("softmax over axis 0 mixes the samples of a batch")
        }
        // At batch size 1 these would pass the check above, yet move or mix samples.
        switch op {
        case .transpose(let perm) where (perm.first ?? inputRank - 1) != 0:
            throw ShapeFailure("transpose \(perm) moves the batch axis")
        case .flatten(let axis) where axis == 0 || axis == -inputRank:
            throw ShapeFailure("Flatten at axis 0 merges the samples of a batch")
        case .reduceMean(let axes, _) where axes.isEmpty || axes.contains(0) || axes.contains(-inputRank):
            throw ShapeFailure("ReduceMean over the batch axis mixes the samples of a batch")
        case .slice(let attributes):
            for (index, axis) in attributes.axes.enumerated() where axis == 0 || axis == -inputRank {
                guard attributes.starts[index] == 0, attributes.steps[index] == 1, attributes.ends[index] >= Int(Int32.max) else {
                    throw ShapeFailure("Slice of the batch axis selects samples of a batch")
                }
            }
        case .pad(let attributes) where attributes.pads[0] != 0 || attributes.pads[inputRank] != 0:
            throw ShapeFailure("Pad \(attributes.pads) pads the batch axis")
        default:
            break
        }
    }
}
