import Foundation
import LAPQEngine

extension FixtureIndex {
    /// Reads a raw little-endian float32 fixture file as a tensor of `shape`.
    static func tensor(_ file: TensorFile) throws -> Tensor {
        try tensor(file, in: directory())
    }

    /// Reads a raw little-endian float32 file of `directory` as a tensor of `shape`.
    static func tensor(_ file: TensorFile, in directory: URL) throws -> Tensor {
        let data = try Data(contentsOf: directory.appendingPathComponent(file.file))
        let values = data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        return Tensor(shape: file.shape, data: values)
    }

    /// Every fixture that imports and runs (all but the one that tests the unsupported-op error).
    static func runnable() throws -> [Entry] {
        try load().fixtures.filter { $0.expectedError == nil }
    }
}
