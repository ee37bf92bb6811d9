import Foundation
import LAPQEngine

/// What the coordinator ships as the LOAD "model" item: the ONNX bytes and the plan settings,
/// so a worker builds the same `QuantizationPlan` whose point order the step vectors follow.
///
/// Layout: "LQMP", u32 little-endian length of the JSON of the `PlanSettings` {weightBits,
/// activationBits, quantizeFirstLayer, quantizeLastLayer, correctsWeightBias, keepFloat,
/// weightGranularity}, the JSON, then the ONNX model bytes. Every key is required: a worker that
/// does not know one must not guess it.
public struct ModelPackage: Equatable, Sendable {
    public var plan: PlanSettings
    public var onnx: [UInt8]

    public init(plan: PlanSettings, onnx: [UInt8]) {
        self.plan = plan
        self.onnx = onnx
    }

    private static let magic = Array("LQMP".utf8)

    public func encoded() throws -> [UInt8] {
        let json = Array(try JSONEncoder().encode(plan))
        let length = withUnsafeBytes(of: UInt32(json.count).littleEndian) { Array($0) }
        return Self.magic + length + json + onnx
    }

    public init(decoding bytes: [UInt8]) throws {
        guard bytes.count >= 8, Array(bytes[0..<4]) == Self.magic else { throw ClusterError.malformedModelPackage("bad magic") }
        let length = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
        guard bytes.count >= 8 + length else { throw ClusterError.malformedModelPackage("truncated settings") }
        plan = try JSONDecoder().decode(PlanSettings.self, from: Data(bytes[8..<(8 + length)]))
        onnx = Array(bytes[(8 + length)...])
    }
}

/// Failures of the distributed runtime that a user sees.
public enum ClusterError: Error, Equatable, CustomStringConvertible {
    case malformedModelPackage(String)
    case evaluationFailed(String)
    case transport(String)
    case timedOut(String)

    public var description: String {
        switch self {
        case let .malformedModelPackage(reason): return "the model package from the coordinator is malformed: \(reason)"
        case let .evaluationFailed(reason): return "distributed evaluation failed: \(reason)"
        case let .transport(reason): return "transport: \(reason)"
        case let .timedOut(reason): return "timed out: \(reason)"
        }
    }
}
