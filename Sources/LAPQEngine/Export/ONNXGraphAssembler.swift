/// Collects the nodes and constants of an ONNX graph being written, in order, and hands out
/// names that collide with no tensor or node already in use.
///
/// Nodes must be appended in a topological order; the assembler does not reorder them.
struct ONNXGraphAssembler {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    /// Every tensor and node name taken so far (ONNX keeps the two apart; one set is simpler
    /// and keeps generated names unambiguous to a reader of the file).
    private var names: UniqueNames
    /// The opset the graph is written for: the few operators whose form changed between the
    /// export formats' opsets (ReduceMean's axes) are written for it.
    let opset: Int

    init(takenNames: Set<String>, opset: Int) {
        self.names = UniqueNames(taken: takenNames)
        self.opset = opset
    }

    /// `base`, or `base.1`, `base.2`, … if that is taken; the result is then taken.
    mutating func freshName(_ base: String) -> String {
        names.fresh(base)
    }

    mutating func append(_ node: Onnx_NodeProto) {
        nodes.append(node)
    }

    /// Stores `tensor` as an initializer under its own name, which the caller made fresh or
    /// took from the source graph.
    mutating func addInitializer(_ tensor: Onnx_TensorProto) {
        initializers.append(tensor)
    }

    /// Stores a float constant under a fresh name derived from `base` and returns that name.
    mutating func addFloatConstant(_ base: String, shape: [Int], values: [Float]) -> String {
        let name = freshName(base)
        addInitializer(.float(name: name, shape: shape, values: values))
        return name
    }
}
