import Foundation
import LAPQEngine

/// What the coordinator ships as the LOAD "model" item: the ONNX bytes, the external-data files
/// its tensors refer to, and the plan settings, so a worker builds the same graph and the same
/// `QuantizationPlan` whose point order the step vectors follow.
///
/// Layout: "LQMP", u32 little-endian length of the header's JSON, the JSON — {"plan": the
/// `PlanSettings` (weightBits, activationBits, quantizeFirstLayer, quantizeLastLayer,
/// correctsWeightBias, keepFloat, weightGranularity), "onnxBytes": n, "externalData":
/// [{"location", "bytes"}]} — then the ONNX bytes, then each external file's bytes in the
/// header's order, and nothing after. Every key is required: a worker that does not know one
/// must not guess it.
public struct ModelPackage: Equatable, Sendable {
    public var plan: PlanSettings
    public var model: ONNXModelFiles

    public init(plan: PlanSettings, model: ONNXModelFiles) {
        self.plan = plan
        self.model = model
    }

    /// A model without external data.
    public init(plan: PlanSettings, onnx: [UInt8]) {
        self.init(plan: plan, model: ONNXModelFiles(onnx: Data(onnx)))
    }

    private static let magic = Array("LQMP".utf8)

    private struct Header: Codable {
        struct File: Codable {
            var location: String
            var bytes: Int
        }

        var plan: PlanSettings
        var onnxBytes: Int
        var externalData: [File]
    }

    public func encoded() throws -> [UInt8] {
        let header = Header(plan: plan, onnxBytes: model.onnx.count,
                            externalData: model.externalData.map { .init(location: $0.location, bytes: $0.bytes.count) })
        let json = Array(try JSONEncoder().encode(header))
        var bytes = Self.magic + withUnsafeBytes(of: UInt32(json.count).littleEndian) { Array($0) } + json
        let parts = model.contents
        bytes.reserveCapacity(bytes.count + parts.reduce(0) { $0 + $1.count })
        for part in parts { bytes.append(contentsOf: part) }
        return bytes
    }

    public init(decoding bytes: [UInt8]) throws {
        guard bytes.count >= 8, Array(bytes[0..<4]) == Self.magic else { throw ClusterError.malformedModelPackage("bad magic") }
        let length = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
        guard bytes.count >= 8 + length else { throw ClusterError.malformedModelPackage("truncated header") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[8..<(8 + length)]))
        } catch {
            throw ClusterError.malformedModelPackage("header: \(error)")
        }
        let sizes = [header.onnxBytes] + header.externalData.map(\.bytes)
        var remaining = bytes.count - 8 - length  // checked part by part: no sum can overflow
        for size in sizes {
            guard size >= 0, size <= remaining else {
                throw ClusterError.malformedModelPackage("a part of \(size) bytes where \(remaining) are left")
            }
            remaining -= size
        }
        guard remaining == 0 else { throw ClusterError.malformedModelPackage("\(remaining) bytes after the last part") }
        var offset = 8 + length
        let parts = sizes.map { size in
            defer { offset += size }
            return Data(bytes[offset..<(offset + size)])
        }
        plan = header.plan
        model = ONNXModelFiles(onnx: parts[0], externalData: zip(header.externalData, parts.dropFirst()).map {
            ONNXModelFiles.ExternalFile(location: $0.location, bytes: $1)
        })
    }
}
