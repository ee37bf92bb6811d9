import Foundation

/// Reads a tensor payload stored outside the model (ONNX external data): the `location` file,
/// relative to the model's directory, from byte `offset` for `length` bytes (to the end of the
/// file when `length` is absent).
struct ExternalDataReader {
    let file: String
    let baseDirectory: URL?

    func read(_ proto: Onnx_TensorProto) throws -> Data {
        let entries = Dictionary(proto.externalData.map { ($0.key, $0.value) },
                                 uniquingKeysWith: { _, last in last })
        guard let location = entries["location"], !location.isEmpty else {
            throw invalid(proto.name, "external data without a location")
        }
        // A location may not leave the model's directory: a model file must not be able to
        // make lapq read arbitrary files.
        let components = location.split(separator: "/", omittingEmptySubsequences: true)
        guard !location.hasPrefix("/"), !components.contains("..") else {
            throw invalid(proto.name, "external data location '\(location)' is outside the model's directory")
        }
        guard let baseDirectory else {
            throw invalid(proto.name, "external data '\(location)' but the model was not loaded from a file")
        }
        let offset = try number(entries["offset"], key: "offset", proto.name) ?? 0
        let length = try number(entries["length"], key: "length", proto.name)
        let url = baseDirectory.appendingPathComponent(location)
        let contents: Data
        do {
            contents = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw invalid(proto.name, "cannot read external data file '\(url.path)': \(error.localizedDescription)")
        }
        let end = length.map { offset + $0 } ?? contents.count
        guard offset <= end, end <= contents.count else {
            throw invalid(proto.name, "external data '\(location)' has \(contents.count) bytes; offset \(offset) length \(length.map(String.init) ?? "-") is past its end")
        }
        return contents.subdata(in: offset..<end)
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
