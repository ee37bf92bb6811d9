/// What a node import cannot translate reads, as import knew it when it stopped: each input's
/// shape at batch size 1 and whether the node computes on the pixels. The two call for different
/// fixes — a node on the pixels needs another op in the model; one that reads only constants and
/// shapes disappears when the model is exported with constant folding — so
/// `ONNXImportError.unsupportedOp` says which.
public struct NodeOperands: Sendable, Equatable {
    public struct Operand: Sendable, Equatable {
        public var name: String
        /// The shape at batch size 1; nil when import could not infer it.
        public var shape: [Int]?
    }

    public var operands: [Operand]
    /// True when some operand depends on the graph input; false when every one is a constant or
    /// shape arithmetic import evaluates; nil when import cannot tell (an operand it neither
    /// computed nor inferred a shape for).
    public var readsPixels: Bool?

    /// "It depends on the graph input (it reads 'x' (1×3×8×8)), …": the sentence a message adds.
    var sentence: String {
        let list = operands.map { "'\($0.name)' (\($0.shape.map(formatShape) ?? "shape unknown"))" }.joined(separator: ", ")
        switch readsPixels {
        case true?:
            return "It depends on the graph input (it reads \(list)), so the model needs this op replaced by supported ones."
        case false?:
            return "It reads only constants and shapes known at import (\(list)); exporting with constant folding "
                + "(torch.onnx.export's do_constant_folding=True, or onnxsim) removes it."
        case nil:
            return operands.isEmpty ? "It reads no input." : "It reads \(list)."
        }
    }
}

extension NodeOperands {
    /// The operands of a node with ONNX inputs `inputs` (an empty name is an omitted optional
    /// input and is skipped), from what import tracks while it walks the nodes (`KnownValues`):
    /// `shapes` at batch size 1, and `knownValues`, the tensors it computed without the pixels.
    /// Every other tensor with a known shape comes from the graph input.
    init(inputs: [String], shapes: [String: [Int]], knownValues: Set<String>) {
        let present = inputs.filter { !$0.isEmpty }
        operands = present.map { Operand(name: $0, shape: shapes[$0]) }
        if present.contains(where: { !knownValues.contains($0) && shapes[$0] != nil }) {
            readsPixels = true
        } else {
            readsPixels = present.allSatisfy(knownValues.contains) ? false : nil
        }
    }
}
