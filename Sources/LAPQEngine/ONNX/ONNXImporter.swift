import Foundation
import SwiftProtobuf

/// Loads an ONNX model into a canonical lapq `Graph`.
///
/// Import parses the ModelProto, decodes initializers (raw or typed data, float16/bfloat16/
/// double widened or narrowed to float32, external data next to the model), folds Constant
/// nodes into initializers, translates each node under the model's opset rules, removes
/// Identity and Dropout, folds BatchNormalization into the preceding Conv (or keeps it as
/// `.scaleShift`), and finally checks every shape for batch size 1 and makes padding and
/// axes explicit (`Graph.canonicalized()`).
///
/// Any op outside `supportedOps` fails with `ONNXImportError.unsupportedOp` naming the file,
/// the node and the op. Every failure is an `ONNXImportError`.
public enum ONNXImporter {
    /// ONNX op types that import accepts, sorted.
    public static var supportedOps: [String] { NodeTranslator.supportedOps }

    /// Loads the model at `url`; external-data files are looked up in its directory.
    /// Messages name the file as `url.relativePath`.
    public static func load(contentsOf url: URL) throws -> Graph {
        let file = url.relativePath
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw ONNXImportError.unreadable(
                file: file, reason: exists ? error.localizedDescription : "no such file")
        }
        return try load(serialized: bytes, file: file, baseDirectory: url.deletingLastPathComponent())
    }

    /// Loads a model from its serialized bytes. `file` names the model in messages;
    /// `baseDirectory` is where external data lives (nil: the model must not use any).
    public static func load(serialized bytes: Data, file: String, baseDirectory: URL?) throws -> Graph {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: bytes)
        } catch {
            throw ONNXImportError.notONNX(file: file, reason: "the protobuf does not parse (\(error))")
        }
        guard model.hasGraph, !model.graph.node.isEmpty else {
            throw ONNXImportError.notONNX(file: file, reason: "it contains no graph with nodes")
        }
        let opsets = model.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        guard let opset = opsets.map(\.version).max() else { throw ONNXImportError.missingOpset(file: file) }
        let decoder = TensorDecoder(file: file, baseDirectory: baseDirectory)
        return try GraphBuilder(file: file, opset: Int(opset), decoder: decoder).build(model.graph)
    }
}
