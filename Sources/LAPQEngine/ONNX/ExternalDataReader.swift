import Foundation

/// Where the payloads of a model's external-data tensors come from.
public enum ExternalDataSource: Sendable {
    /// None: a tensor stored outside the model is an error.
    case none
    /// Files next to the model: each `location` is relative to this directory.
    case directory(URL)
    /// Files by `location`, as a coordinator ships them with the model (`ModelPackage`), so a
    /// worker without the model's directory reads the same bytes.
    case files([String: Data])
}

/// Reads a tensor payload stored outside the model (ONNX external data): the `location` file,
/// from byte `offset` for `length` bytes (to the end of the file when `length` is absent).
struct ExternalDataReader {
    let file: String
    let source: ExternalDataSource

    func read(_ proto: Onnx_TensorProto) throws -> Data {
        let entries = Self.entries(proto)
        let location = try Self.location(of: proto, file: file)
        let offset = try number(entries["offset"], key: "offset", proto.name) ?? 0
        let length = try number(entries["length"], key: "length", proto.name)
        let contents = try self.contents(location, tensor: proto.name)
        let end = length.map { offset + $0 } ?? contents.count
        guard offset <= end, end <= contents.count else {
            throw invalid(proto.name, "external data '\(location)' has \(contents.count) bytes; offset \(offset) length \(length.map(String.init) ?? "-") is past its end")
        }
        return contents.subdata(in: offset..<end)
    }

    /// The tensor's external-data `location`, checked: present, and inside the model's
    /// directory — a model file must not be able to make lapq read (or a coordinator ship)
    /// arbitrary files.
    static func location(of proto: Onnx_TensorProto, file: String) throws -> String {
        guard let location = entries(proto)["location"], !location.isEmpty else {
            throw ONNXImportError.invalidTensor(file: file, tensor: proto.name, reason: "external data without a location")
        }
        let components = location.split(separator: "/", omittingEmptySubsequences: true)
        guard !location.hasPrefix("/"), !components.contains("..") else {
            throw ONNXImportError.invalidTensor(file: file, tensor: proto.name,
                                                reason: "external data location '\(location)' is outside the model's directory")
        }
        return location
    }

    private static func entries(_ proto: Onnx_TensorProto) -> [String: String] {
        Dictionary(proto.externalData.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    private func contents(_ location: String, tensor: String) throws -> Data {
        switch source {
        case .none:
            throw invalid(tensor, "external data '\(location)' but the model was not loaded from a file")
        case .files(let files):
            guard let contents = files[location] else {
                throw invalid(tensor, "external data '\(location)' was not shipped with the model")
            }
            return contents
        case .directory(let directory):
            let url = directory.appendingPathComponent(location)
            do {
                return try Data(contentsOf: url, options: .mappedIfSafe)
            } catch {
                throw invalid(tensor, "cannot read external data file '\(url.path)': \(error.localizedDescription)")
            }
        }
    }

    private func number(_ text: String?, key: String, _ name: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw invalid(name, "external data \(key) '\(text)' is not a non-negative integer")
        }
        return value
    }

    private func invalid(_ name: String, _ reason: String) -> ONNXImportError {
        .invalidTensor(file: file, tensor: name, reason: reason)
    }
}
