import LAPQCalibration
import LAPQEngine

/// The text `lapq-coord inspect` prints: the model in one paragraph, then the quantization
/// points, what stays float and why, and one row per node — the order a user asks in (what is
/// it, what will lapq quantize, where does each shape come from).
enum InspectionText {
    static func render(_ inspection: ModelInspection, model: String) -> String {
        [summary(inspection, model: model), points(inspection.plan), floatNodes(inspection), nodeTable(inspection)]
            .joined(separator: "\n\n")
    }

    private static func summary(_ inspection: ModelInspection, model: String) -> String {
        let onnx = inspection.onnx
        let exporter = onnx.producer.isEmpty ? "" : ", \(onnx.producer)"
        let lapqCount = inspection.nodes.count
        let change = lapqCount < onnx.nodeCount ? " (\(onnx.nodeCount - lapqCount) fewer: folded at import)"
            : lapqCount > onnx.nodeCount ? " (\(lapqCount - onnx.nodeCount) more: composite ops split at import)" : ""
        return table([
            ["model", "\(model) (ONNX opset \(onnx.opset)\(exporter))"],
            ["input", "\(inspection.input.name): \(sample(inspection.input.shape)) per sample"],
            ["outputs", inspection.outputs.map { "\($0.name): \(sample($0.shape)) per sample" }.joined(separator: ", ")],
            ["ONNX", "\(onnx.nodeCount) nodes: \(counts(onnx.opCounts))"],
            ["lapq runs", "\(lapqCount) nodes\(change): \(counts(inspection.opCounts))"],
        ])
    }

    private static func points(_ plan: QuantizationPlan) -> String {
        let weights = plan.points.filter { $0.kind == .weight }.count
        let heading = "quantization points (\(plan.settings.bitsLabel), \(plan.settings.weightGranularity.rawValue) weights): "
            + "\(weights) weight, \(plan.points.count - weights) activation, \(plan.stepCount) step sizes"
        guard !plan.points.isEmpty else { return heading }
        let rows = plan.points.map { point in
            [point.kind.rawValue, point.tensor, "\(point.bits) bits", point.isSigned ? "signed" : "unsigned",
             point.channelAxis.map { "per-channel (\(point.stepCount) on axis \($0))" } ?? "per-tensor",
             point.consumers.joined(separator: ", ")]
        }
        return heading + "\n" + table([["kind", "tensor", "bits", "sign", "granularity", "read by"]] + rows, indent: 2)
    }

    /// The weighted layers with a float part, each with its reasons; then the other nodes, by
    /// op, under their one reason.
    private static func floatNodes(_ inspection: ModelInspection) -> String {
        let layers = inspection.nodes.filter { !$0.floatReasons.isEmpty && !$0.floatReasons.contains(.notQuantizable) }
        let others = inspection.nodes.filter { $0.floatReasons.contains(.notQuantizable) }
        var lines = ["stays float"]
        if !layers.isEmpty {
            lines.append(table(layers.map { node in
                let quantized = node.quantizedInputs.isEmpty ? "" : " (quantized: \(node.quantizedInputs.joined(separator: ", ")))"
                return [node.name, node.op, node.floatReasons.map(\.description).joined(separator: "; ") + quantized]
            }, indent: 2))
        }
        if !others.isEmpty {
            let byOp = others.reduce(into: [String: Int]()) { $0[$1.op, default: 0] += 1 }
            lines.append("  \(counts(byOp)): \(FloatReason.notQuantizable)")
        }
        return lines.joined(separator: "\n")
    }

    private static func nodeTable(_ inspection: ModelInspection) -> String {
        let kinds = Dictionary(uniqueKeysWithValues: inspection.plan.points.map { ($0.name, $0.kind) })
        let rows = inspection.nodes.map { node in
            [node.name, node.op, node.inputs.joined(separator: ", "), formatShape(node.outputShape),
             quantization(of: node, kinds: kinds)]
        }
        return "nodes (output shapes at batch 1)\n"
            + table([["name", "op", "inputs", "output", "quantized"]] + rows, indent: 2)
    }

    /// "weight + input", "input; float weight (--keep-float 'fc.weight')", "float (first layer)", or
    /// empty for an op lapq does not quantize.
    private static func quantization(of node: ModelInspection.NodeRow, kinds: [String: QuantizationPoint.Kind]) -> String {
        let quantized = node.quantizedInputs.compactMap { kinds[$0] }.map { $0 == .weight ? "weight" : "input" }
        let reasons = node.floatReasons.filter { $0 != .notQuantizable }.map(shortReason).joined(separator: "; ")
        switch (quantized.isEmpty, reasons.isEmpty) {
        case (true, true): return ""
        case (true, false): return "float (\(reasons))"
        case (false, true): return quantized.joined(separator: " + ")
        case (false, false): return quantized.joined(separator: " + ") + "; rest float (\(reasons))"
        }
    }

    private static func shortReason(_ reason: FloatReason) -> String {
        switch reason {
        case .firstLayer: return "first layer"
        case .lastLayer: return "last layer"
        default: return reason.description
        }
    }

    /// "Conv 3, Relu 3, Gemm 1": most frequent first, ties by name.
    private static func counts(_ byOp: [String: Int]) -> String {
        byOp.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    /// A batch-1 shape without its batch: "1×8×8".
    private static func sample(_ shape: [Int]) -> String { formatShape(Array(shape.dropFirst())) }

    /// Left-aligned columns, two spaces apart, no trailing blanks.
    private static func table(_ rows: [[String]], indent: Int = 0) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in
            rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            var line = String(repeating: " ", count: indent)
                + zip(row, widths).map { cell, width in cell.padding(width + 2) }.joined()
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
