import LAPQKernels

extension ImportRewriter {
    /// `nodes` with every `Mul(x, g)` (either operand order) whose `g` is written by a
    /// `HardSigmoid(x)` with HardSwish's exact constants (alpha `Float(1/6)`, beta 0.5), read
    /// by nothing else and not a graph output, replaced by a `.hardSwish` node with the Mul's
    /// name and output; that HardSigmoid is dropped. HardSwish's kernels compute
    /// `x · hardSigmoid(x)` with the same Float operations, so the values do not change.
    func fusingHardSwish(_ nodes: [Node], outputs: [String]) -> [Node] {
        var readerCount: [String: Int] = [:]
        for tensor in nodes.flatMap(\.inputs) + outputs { readerCount[tensor, default: 0] += 1 }
        var gateWriter: [String: Int] = [:]
        for (index, node) in nodes.enumerated() where Self.isHardSwishGate(node) { gateWriter[node.outputs[0]] = index }
        var result: [Node?] = nodes
        for (index, node) in nodes.enumerated() where node.op == .mul && node.inputs.count == 2 {
            for (gateOperand, otherOperand) in [(0, 1), (1, 0)] {
                let gate = node.inputs[gateOperand]
                guard let writer = gateWriter[gate], result[writer] != nil, readerCount[gate] == 1,
                      nodes[writer].inputs == [node.inputs[otherOperand]] else { continue }
                result[writer] = nil
                result[index] = Node(name: node.name, op: .hardSwish, inputs: nodes[writer].inputs, outputs: node.outputs)
                break
            }
        }
        return result.compactMap { $0 }
    }

    private static func isHardSwishGate(_ node: Node) -> Bool {
        node.op == .hardSigmoid(alpha: hardSwishAlpha, beta: hardSwishBeta)
            && node.inputs.count == 1 && node.outputs.count == 1
    }
}
