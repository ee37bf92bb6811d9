import Foundation
import SwiftProtobuf

/// Loads an ONNX model into a canonical lapq `Graph`.
///
/// Import parses the ModelProto, decodes initializers (raw or typed data, float16/bfloat16/
/// double widened or narrowed to float32, external data next to the model), evaluates every
/// node that does not depend on the pixels (`ConstantFolder`), translates the others under the
/// model's opset rules, removes Identity and Dropout, folds BatchNormalization into the
/// preceding Conv (or keeps it as `.scaleShift`), and finally checks every shape at batch sizes
/// 1 and 2 and makes padding and axes explicit (`Graph.canonicalized()`).
///
/// Any op outside `supportedOps` fails with `ONNXImportError.unsupportedOp` naming the file,
/// the node and the op. Every failure is an `ONNXImportError`.
public enum ONNXImporter {
    /// ONNX op types that import accepts, sorted.
    public static var supportedOps: [String] { NodeTranslator.supportedOps }

    /// Loads the model at `url`; external-data files are read from its directory
    /// (`ONNXModelFiles`, the same path a worker takes with the files it was sent).
    /// Messages name the file as `url.relativePath`.
    public static func load(contentsOf url: URL) throws -> Graph {
        try ONNXModelFiles(contentsOf: url).graph(file: url.relativePath)
    }

    /// Loads a model from its serialized bytes. `file` names the model in messages;
    /// `baseDirectory` is where external data lives (nil: the model must not use any).
    public static func load(serialized bytes: Data, file: String, baseDirectory: URL?) throws -> Graph {
        try load(serialized: bytes, file: file, externalData: baseDirectory.map { .directory($0) } ?? .none)
    }

    /// Loads a model from its serialized bytes, its external-data payloads from `externalData`.
    public static func load(serialized bytes: Data, file: String, externalData: ExternalDataSource) throws -> Graph {
        let model = try parse(bytes, file: file)
        guard model.hasGraph, !model.graph.node.isEmpty else {
            throw ONNXImportError.notONNX(file: file, reason: "it contains no graph with nodes")
        }
        guard let opset = defaultOpset(of: model) else { throw ONNXImportError.missingOpset(file: file) }
        let decoder = TensorDecoder(file: file, externalData: externalData)
        return try GraphBuilder(file: file, opset: opset, decoder: decoder).build(model.graph)
    }

    /// The external-data files the model's tensors refer to (initializers and Constant
    /// values), each location once, in order of first reference, checked as import checks
    /// them. Reads no tensor payload: this is what travels with the model to a worker and what
    /// a resume digest covers.
    public static func externalDataLocations(serialized bytes: Data, file: String) throws -> [String] {
        try externalDataReferences(serialized: bytes, file: file).map(\.location)
    }

    /// Each external-data location with the first tensor that names it (for messages).
    static func externalDataReferences(serialized bytes: Data, file: String) throws -> [(location: String, tensor: String)] {
        let graph = try parse(bytes, file: file).graph
        let constants = graph.node.filter { $0.opType == "Constant" }.flatMap { node in
            node.attribute.flatMap { [$0.t] + $0.tensors }
        }
        var references: [(location: String, tensor: String)] = []
        for tensor in graph.initializer + constants where tensor.dataLocation == .external {
            let location = try ExternalDataReader.location(of: tensor, file: file)
            if !references.contains(where: { $0.location == location }) { references.append((location, tensor.name)) }
        }
        return references
    }

    /// The version of the default (`ai.onnx`) operator set the model imports; nil if none.
    static func defaultOpset(of model: Onnx_ModelProto) -> Int? {
        let opsets = model.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        return opsets.map(\.version).max().map { Int($0) }
    }

    static func parse(_ bytes: Data, file: String) throws -> Onnx_ModelProto {
        do {
            return try Onnx_ModelProto(serializedBytes: bytes)
        } catch {
            throw ONNXImportError.notONNX(file: file, reason: "the protobuf does not parse (\(error))")
        }
    }
}
