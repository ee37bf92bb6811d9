/// One operation of a `Graph`: it reads the tensors named in `inputs` and writes the tensors
/// named in `outputs`. Tensor names are unique in a graph; each is written by exactly one
/// node, or is the graph input, or is an initializer.
public struct Node: Sendable, Hashable {
    /// Unique within the graph; ONNX node names are kept, unnamed nodes get `<Op>_<index>`.
    public var name: String
    public var op: Operator
    /// Operand tensor names, in the order documented on each `Operator` case.
    public var inputs: [String]
    /// Result tensor names; every lapq operation has exactly one.
    public var outputs: [String]

    public init(name: String, op: Operator, inputs: [String], outputs: [String]) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The single result tensor.
    public var output: String {
        precondition(outputs.count == 1, "node '\(name)' has \(outputs.count) outputs")
        return outputs[0]
    }
}
