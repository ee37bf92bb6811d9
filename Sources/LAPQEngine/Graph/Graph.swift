/// A feed-forward network: one batched input, constant initializers, nodes in topological
/// order, and named outputs.
///
/// The initializer always holds a valid graph: every tensor a node reads is defined exactly
/// once (by the input, an initializer or one earlier node), every node has the arity its
/// operation needs, and `nodes` is topologically sorted. Nodes that are already in a valid
/// order keep it, so a graph imported from ONNX (which stores nodes sorted) keeps the file's
/// order; otherwise ties are broken by the order given.
public struct Graph: Sendable, Equatable {
    public let input: GraphInput
    /// Constant tensors (weights, biases, broadcast operands) by name.
    public let initializers: [String: Tensor]
    /// Every node, each after all nodes that write its inputs.
    public let nodes: [Node]
    /// Names of the tensors the graph returns, in order.
    public let outputs: [String]

    /// Validates and topologically sorts `nodes`.
    ///
    /// - Throws: `GraphError` naming the first duplicate or undefined tensor, the node with
    ///   the wrong arity, or every node on or behind a cycle. O(V + E log V).
    public init(input: GraphInput, initializers: [String: Tensor], nodes: [Node],
                outputs: [String]) throws {
        try Graph.checkArity(nodes)
        let writer = try Graph.writers(of: nodes, input: input.name, initializers: initializers)
        for node in nodes {
            for tensor in node.inputs where tensor != input.name && initializers[tensor] == nil
                && writer[tensor] == nil {
                throw GraphError.undefinedTensor(tensor: tensor, node: node.name)
            }
        }
        guard !outputs.isEmpty else { throw GraphError.noOutputs }
        for output in outputs where output != input.name && initializers[output] == nil
            && writer[output] == nil {
            throw GraphError.undefinedOutput(tensor: output)
        }
        self.input = input
        self.initializers = initializers
        self.nodes = try Graph.topologicallySorted(nodes, writer: writer)
        self.outputs = outputs
    }

    /// The nodes that read `tensor`, in graph order.
    public func consumers(of tensor: String) -> [Node] {
        nodes.filter { $0.inputs.contains(tensor) }
    }

    /// The node that writes `tensor`, or nil for the input and initializers.
    public func producer(of tensor: String) -> Node? {
        nodes.first { $0.outputs.contains(tensor) }
    }

    private static func checkArity(_ nodes: [Node]) throws {
        var names = Set<String>()
        for node in nodes {
            guard names.insert(node.name).inserted else {
                throw GraphError.duplicateNodeName(node: node.name)
            }
            let allowed = acceptedInputCounts(node.op)
            guard allowed.contains(node.inputs.count), node.outputs.count == 1 else {
                let expected = allowed.upperBound == Int.max
                    ? "at least \(allowed.lowerBound) inputs and 1 output"
                    : "\(allowed.lowerBound)…\(allowed.upperBound) inputs and 1 output"
                throw GraphError.arity(node: node.name, op: node.op.name, expected: expected,
                                       inputs: node.inputs.count, outputs: node.outputs.count)
            }
        }
    }

    private static func acceptedInputCounts(_ op: Operator) -> ClosedRange<Int> {
        switch op {
        case .conv, .gemm: return 2...3
        case .matMul, .add, .mul, .sub, .div, .pow: return 2...2
        case .scaleShift: return 3...3
        case .concat: return 1...Int.max
        case .relu, .clip, .leakyRelu, .sigmoid, .hardSigmoid, .hardSwish, .maxPool, .averagePool,
             .globalAveragePool, .flatten, .reshape, .softmax, .sqrt, .erf, .transpose, .reduceMean, .slice, .pad:
            return 1...1
        }
    }

    /// Maps each node-written tensor to the index of its node; rejects a second definition.
    private static func writers(of nodes: [Node], input: String,
                                initializers: [String: Tensor]) throws -> [String: Int] {
        var writer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for tensor in node.outputs {
                guard tensor != input, initializers[tensor] == nil, writer[tensor] == nil else {
                    throw GraphError.duplicateTensor(tensor: tensor, node: node.name)
                }
                writer[tensor] = index
            }
        }
        return writer
    }

    /// Kahn's algorithm, always taking the ready node with the smallest original index, so an
    /// already sorted list comes back unchanged.
    private static func topologicallySorted(_ nodes: [Node], writer: [String: Int]) throws -> [Node] {
        var pending = [Int](repeating: 0, count: nodes.count)
        var dependents = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            let producers = Set(node.inputs.compactMap { writer[$0] })
            pending[index] = producers.count
            for producer in producers { dependents[producer].append(index) }
        }
        var ready = MinIndexHeap(nodes.indices.filter { pending[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while let next = ready.popMin() {
            order.append(next)
            for dependent in dependents[next] {
                pending[dependent] -= 1
                if pending[dependent] == 0 { ready.insert(dependent) }
            }
        }
        guard order.count == nodes.count else {
            let stuck = nodes.indices.filter { pending[$0] > 0 }.map { nodes[$0].name }
            throw GraphError.cycle(nodes: stuck.sorted())
        }
        return order.map { nodes[$0] }
    }
}

/// A binary min-heap of node indices; O(log n) insert and pop.
private struct MinIndexHeap {
    private var storage: [Int] = []

    init(_ elements: [Int]) {
        for element in elements { insert(element) }
    }

    mutating func insert(_ element: Int) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Int? {
        guard let first = storage.first else { return nil }
        let last = storage.removeLast()
        guard !storage.isEmpty else { return first }
        storage[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < storage.count, storage[left] < storage[smallest] { smallest = left }
            if right < storage.count, storage[right] < storage[smallest] { smallest = right }
            guard smallest != parent else { return first }
            storage.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
