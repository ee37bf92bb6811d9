extension ImportRewriter {
    /// `Reshape(Reshape(x, a), b)` → `Reshape(x, b)` when nothing else reads the inner result
    /// and `b` has no 0 ("copy the input's axis", which would read the inner shape). Exporters
    /// write such chains through shapes that do not keep the batch first (the dynamo exporter's
    /// `view` as Reshape(−1) → Gather → Reshape), which lapq's graph does not allow.
    func collapsingReshapeChains(_ nodes: [Node], outputs: [String]) -> [Node] {
        var readers: [String: Int] = [:]
        for tensor in nodes.flatMap(\.inputs) + outputs { readers[tensor, default: 0] += 1 }
        var result: [Node] = []
        var inner: [String: (index: Int, input: String)] = [:]
        for var node in nodes {
            if case .reshape(let target) = node.op, !target.contains(0), let source = inner[node.inputs[0]],
               readers[node.inputs[0]] == 1 {
                result[source.index].outputs = []
                node.inputs[0] = source.input
            }
            if case .reshape = node.op { inner[node.output] = (result.count, node.inputs[0]) }
            result.append(node)
        }
        return result.filter { !$0.outputs.isEmpty }
    }
}
