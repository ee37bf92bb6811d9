import Foundation

extension Tensor {
    /// The values as raw little-endian float32 bytes: the layout numpy's `fromfile(dtype="<f4")`
    /// reads, used by `lapq-coord evaluate --logits` and the fixture files.
    public var littleEndianBytes: Data {
        var bytes = Data(capacity: count * 4)
        for value in data {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
