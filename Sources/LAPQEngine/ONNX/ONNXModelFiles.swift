import Foundation

/// An ONNX model's bytes together with the external-data files its tensors refer to — the
/// model as a whole, independent of where it lies: what a coordinator ships to its workers
/// (a model over 2 GB *must* keep its weights outside the protobuf) and what a resume digest
/// covers (a re-exported model can have the same `.onnx` bytes and other weights).
public struct ONNXModelFiles: Sendable, Equatable {
    public struct ExternalFile: Sendable, Equatable {
        /// The `location` the tensors name, relative to the model's directory.
        public var location: String
        public var bytes: Data

        public init(location: String, bytes: Data) {
            self.location = location
            self.bytes = bytes
        }
    }

    public var onnx: Data
    /// In order of first reference (`ONNXImporter.externalDataLocations`), each once.
    public var externalData: [ExternalFile]

    public init(onnx: Data, externalData: [ExternalFile] = []) {
        self.onnx = onnx
        self.externalData = externalData
    }

    /// The model at `url` and the external-data files it names, read from its directory
    /// (memory-mapped where the system allows). Errors name the file, and for an external
    /// file the first tensor stored in it.
    public init(contentsOf url: URL) throws {
        let file = url.relativePath
        let onnx: Data
        do {
            onnx = try Self.read(url)
        } catch let reason as ReadFailure {
            throw ONNXImportError.unreadable(file: file, reason: reason.text)
        }
        let directory = url.deletingLastPathComponent()
        let external = try ONNXImporter.externalDataReferences(serialized: onnx, file: file).map { reference in
            let path = directory.appendingPathComponent(reference.location)
            do {
                return ExternalFile(location: reference.location, bytes: try Self.read(path))
            } catch let reason as ReadFailure {
                throw ONNXImportError.invalidTensor(file: file, tensor: reference.tensor,
                                                    reason: "cannot read external data file '\(path.path)': \(reason.text)")
            }
        }
        self.init(onnx: onnx, externalData: external)
    }

    /// The graph, its external-data payloads read from the files held here.
    public func graph(file: String) throws -> Graph {
        let files = Dictionary(externalData.map { ($0.location, $0.bytes) }, uniquingKeysWith: { first, _ in first })
        return try ONNXImporter.load(serialized: onnx, file: file, externalData: .files(files))
    }

    /// The bytes of the model then of each external file, in order: what a digest of the
    /// whole model reads (for a model without external data, the `.onnx` file's bytes).
    public var contents: [Data] { [onnx] + externalData.map(\.bytes) }

    private struct ReadFailure: Error {
        var text: String
    }

    private static func read(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw ReadFailure(text: FileManager.default.fileExists(atPath: url.path) ? error.localizedDescription : "no such file")
        }
    }
}
