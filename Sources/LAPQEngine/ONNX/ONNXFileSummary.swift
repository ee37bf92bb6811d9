import Foundation

/// What an ONNX file says about itself before import translates it — its operator set, its
/// exporter and its nodes by op type: the "before" that `ModelInspection` sets beside the graph
/// lapq runs, so a user sees what import folded away (BatchNormalization into Conv, shape
/// arithmetic, Identity) and what it split (LayerNormalization, Gelu).
public struct ONNXFileSummary: Sendable, Hashable, Encodable {
    /// The version of the default (`ai.onnx`) operator set.
    public var opset: Int
    /// `producer_name` and `producer_version`, e.g. "pytorch 2.5.1"; empty when the file names none.
    public var producer: String
    public var nodeCount: Int
    /// Nodes by op type; an op of another domain is spelled "domain.Op", as import's messages do.
    public var opCounts: [String: Int]

    /// Reads the summary from a serialized ModelProto; `file` names it in errors.
    public init(serialized bytes: Data, file: String) throws {
        let model = try ONNXImporter.parse(bytes, file: file)
        guard let opset = ONNXImporter.defaultOpset(of: model) else { throw ONNXImportError.missingOpset(file: file) }
        self.opset = opset
        producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        nodeCount = model.graph.node.count
        opCounts = model.graph.node.reduce(into: [:]) { counts, node in counts[node.qualifiedOpType, default: 0] += 1 }
    }
}

extension Onnx_NodeProto {
    /// The op type as messages name it: "Conv" in the default domain, "domain.Op" in another.
    var qualifiedOpType: String {
        domain.isEmpty || domain == "ai.onnx" ? opType : "\(domain).\(opType)"
    }
}
