/// An ONNX node after translation, before the import rewrites run.
enum TranslatedNode {
    /// A node that goes into the graph as it is.
    case node(Node)
    /// BatchNormalization; folded into the preceding Conv or turned into `.scaleShift`.
    case batchNorm(BatchNormNode)
    /// Identity or Dropout at inference: `output` is `input`. `unusedOutputs` (Dropout's mask)
    /// must not be read by any other node.
    case passThrough(name: String, op: String, input: String, output: String, unusedOutputs: [String])
    /// A Constant node: its value becomes an initializer named `output`.
    case constant(output: String, value: StoredTensor)
}

/// `y = (x − mean) / √(variance + epsilon) · scale + bias`, per channel (axis 1).
struct BatchNormNode {
    var name: String
    var input: String
    var scale: String
    var bias: String
    var mean: String
    var variance: String
    var epsilon: Float
    var output: String
}
