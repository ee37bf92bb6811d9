import Foundation
import SwiftProtobuf

/// Writes a quantized network as a QDQ ONNX model that any ONNX runtime runs and that
/// reproduces lapq's fake-quantization grid exactly, its codes in the types of a
/// `QDQExportFormat`: int8/uint8 at opset 13 (`.int8`, the default), or int4/uint4 for points of
/// at most 4 bits at opset 21 (`.int4`). See docs/formats.md, "QDQ export".
///
/// The model is the lapq `Graph` as imported — batch normalization folded into its Conv,
/// Identity and Dropout removed — because a folded weight is what lapq quantizes and may not
/// exist in the original file. Every node keeps its name; then, for step sizes Δ:
///
/// - each **activation** point's tensor x feeds its quantized consumers through
///   `QuantizeLinear(x, Δ, 0)` (unsigned codes when unsigned, signed when signed) →
///   `DequantizeLinear(Δ, 0)`, clamped to [qmin, qmax] by `Clip(qmin, qmax)` on 8-bit codes, or
///   by `Clip(qmin · Δ, qmax · Δ)` on x before a 4-bit QuantizeLinear whose type is wider than
///   the grid (`QDQCodeType.activationClamp`), i.e. x̂ = clamp(round(x / Δ), qmin, qmax) · Δ with
///   round half to even; other readers of x (float layers, residual adds, graph outputs) keep
///   the float tensor;
/// - each **weight** point's tensor w is stored as int8 (or packed int4) codes
///   clamp(round(w / Δ), −(2^(b−1) − 1), 2^(b−1) − 1) followed by `DequantizeLinear(Δ, 0)` — per
///   axis, one Δ_c per output channel, for a per-channel weight — and, when the plan corrects
///   bias, by a `Sub` of the per-output-channel shift;
/// - the constant **bias** of a layer whose input and weight are both quantized is stored as
///   int32 codes at s = Δx · Δw (s_c = Δx · Δw_c, per axis, behind a per-channel weight)
///   followed by `DequantizeLinear(s)` (`BiasQuantizer`), as lapq
///   computes it — so ONNX Runtime's own bias quantization finds nothing left to do.
///
/// Δ is stored as the float32 that lapq's executors apply. A point of 32 bits is left in
/// float, as the executors do. The input and outputs keep their names, with a symbolic first
/// dimension `batch`. O(graph size + weights).
public enum QDQExporter {
    /// The symbolic name of the batch dimension of the model's input and outputs.
    public static let batchDimension = "batch"

    /// The serialized QDQ model of `graph` quantized by `plan` with a step vector in the plan's
    /// layout (one Δ per point, one per channel of a per-channel weight), its codes in the types
    /// of `format`.
    ///
    /// - Throws: `QDQExportError` when the plan does not belong to the graph, the step vector
    ///   has the wrong length or a non-positive or non-finite entry, a weight point is not a
    ///   constant, or a node cannot be written.
    public static func export(graph: Graph, plan: QuantizationPlan, stepSizes: [Double],
                              format: QDQExportFormat = .int8) throws -> Data {
        try modelProto(graph: graph, plan: plan, stepSizes: stepSizes, format: format).serializedBytes()
    }

    /// Writes the QDQ model to `url` (atomically); see `export(graph:plan:stepSizes:format:)`.
    public static func write(graph: Graph, plan: QuantizationPlan, stepSizes: [Double],
                             format: QDQExportFormat = .int8, to url: URL) throws {
        let bytes = try export(graph: graph, plan: plan, stepSizes: stepSizes, format: format)
        do {
            try bytes.write(to: url, options: .atomic)
        } catch {
            throw QDQExportError.unwritable(file: url.relativePath, reason: error.localizedDescription)
        }
    }

    static func modelProto(graph: Graph, plan: QuantizationPlan, stepSizes: [Double],
                           format: QDQExportFormat) throws -> Onnx_ModelProto {
        var binding: QuantizationBinding
        do {
            binding = try QuantizationBinding(plan: plan, graph: graph)
            _ = try binding.setStepSizes(stepSizes)
        } catch let error as ExecutionError {
            throw QDQExportError(error)
        }
        try checkExpressible(graph)
        let (shapes, dimensions) = try tensorDimensions(graph)
        var writer = QDQGraphWriter(graph: graph, binding: binding, format: format, shapes: shapes, dimensions: dimensions)
        var model = Onnx_ModelProto()
        model.irVersion = format.irVersion
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(format.opsetVersion)
        model.opsetImport = [opset]
        model.producerName = "lapq"
        model.docString = "QDQ export (\(format.rawValue) codes) of a LAPQ-calibrated network: "
            + "W\(plan.weightBits)/A\(plan.activationBits), \(plan.points.count) quantization points"
        model.graph = try writer.write()
        return model
    }

    /// Shapes at batch size 1, and every tensor's dimensions with the batch made symbolic:
    /// a dimension is the batch where the shapes at batch sizes 1 and 2 differ.
    private static func tensorDimensions(_ graph: Graph) throws -> ([String: [Int]], [String: [Int?]]) {
        do {
            let single = try graph.inferShapes(batchSize: 1)
            let double = try graph.inferShapes(batchSize: 2)
            var dimensions: [String: [Int?]] = [:]
            for (tensor, shape) in single {
                let other = double[tensor] ?? shape
                dimensions[tensor] = zip(shape, other).map { (one: Int, two: Int) -> Int? in one == two ? one : nil }
            }
            return (single, dimensions)
        } catch let error as GraphError {
            throw QDQExportError.invalidGraph(error)
        }
    }

    /// Rejects what the writer does not say: AveragePool dilations, absent from opset 13 and
    /// left out of both formats (only reachable with graphs built by hand: the importer accepts
    /// no such node).
    private static func checkExpressible(_ graph: Graph) throws {
        for node in graph.nodes {
            if case .averagePool(let attributes) = node.op, attributes.dilations.contains(where: { $0 != 1 }) {
                throw QDQExportError.unsupported(
                    node: node.name, op: node.op.name,
                    reason: "AveragePool dilations \(attributes.dilations) are not exported (opset 13 has none)")
            }
        }
    }
}
