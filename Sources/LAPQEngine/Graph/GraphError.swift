/// A structural or shape problem in a `Graph`. Each case names the node and tensor involved,
/// so a message can point at the offending part of a model.
public enum GraphError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two nodes, or a node and the input or an initializer, write the same tensor.
    case duplicateTensor(tensor: String, node: String)
    /// Two nodes share a name.
    case duplicateNodeName(node: String)
    /// A node reads a tensor that nothing writes.
    case undefinedTensor(tensor: String, node: String)
    /// A graph output names a tensor that nothing writes.
    case undefinedOutput(tensor: String)
    /// The graph has no outputs.
    case noOutputs
    /// A node has the wrong number of inputs or outputs for its operation.
    case arity(node: String, op: String, expected: String, inputs: Int, outputs: Int)
    /// The nodes listed (sorted by name) depend on each other in a cycle, or on such a cycle.
    case cycle(nodes: [String])
    /// Shape inference found operand shapes that the operation cannot take.
    case shapeMismatch(node: String, op: String, reason: String)

    public var description: String {
        switch self {
        case let .duplicateTensor(tensor, node):
            return "tensor '\(tensor)' written by node '\(node)' is already defined"
        case let .duplicateNodeName(node):
            return "two nodes are named '\(node)'"
        case let .undefinedTensor(tensor, node):
            return "node '\(node)' reads tensor '\(tensor)', which no node, input or initializer defines"
        case let .undefinedOutput(tensor):
            return "graph output '\(tensor)' is not defined"
        case .noOutputs:
            return "the graph has no outputs"
        case let .arity(node, op, expected, inputs, outputs):
            return "node '\(node)' (\(op)) has \(inputs) inputs and \(outputs) outputs; expected \(expected)"
        case let .cycle(nodes):
            return "the graph has a cycle through nodes \(nodes.map { "'\($0)'" }.joined(separator: ", "))"
        case let .shapeMismatch(node, op, reason):
            return "node '\(node)' (\(op)): \(reason)"
        }
    }
}
