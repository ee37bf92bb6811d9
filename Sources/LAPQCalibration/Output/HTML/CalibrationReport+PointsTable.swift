import LAPQEngine

/// report.html's table of quantization points: what each tensor was clipped to against its
/// range, and whether the layers reading it ran on int8 codes or on fake-quantized f32 values.
extension CalibrationReport {
    func pointsTable() -> String {
        let paths = Dictionary((steps.layerPaths ?? []).map { ($0.node, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = steps.points.map { point -> [HTMLTable.Cell] in
            let ratio = point.maxMagnitude.flatMap { $0 > 0 ? point.clipValue / $0 : nil }
            return [.code(point.tensor), HTMLTable.Cell(text: point.kind.rawValue), .number("\(point.bits)"),
                    HTMLTable.Cell(text: point.signed ? "yes" : "no"), .number(formatNumber(point.clipValue)),
                    .number(point.maxMagnitude.map(formatNumber) ?? "–"), .number(ratio.map(formatNumber) ?? "–"),
                    pathCell(point.consumers.compactMap { paths[$0] })]
        }
        let table = HTMLTable(headers: ["tensor", "kind", "bits", "signed", "α (clip)", "max |x|", "α / max |x|", "compute path"],
                              rows: rows).markup()
        let note = "α / max |x| below 1 clips the tensor's largest values; above 1 (after Powell) leaves part of the grid unused. "
            + "The compute path is that of the layers reading the tensor (hover for the reason)."
        return table + "\n" + HTMLMarkup.element("p", ["class": "note"], HTMLMarkup.escape(note))
    }

    /// "int8", "f32", or both when the tensor's readers differ; "–" when none is a quantized layer.
    private func pathCell(_ paths: [LayerPath]) -> HTMLTable.Cell {
        guard !paths.isEmpty else { return HTMLTable.Cell(text: "–") }
        var kinds: [String] = []
        for kind in paths.map(\.kind.rawValue) where !kinds.contains(kind) { kinds.append(kind) }
        let hint = paths.map { "\($0.node): \($0.kind.rawValue), \($0.reason)" }.joined(separator: "; ")
        return HTMLTable.Cell(text: kinds.joined(separator: " / "), hint: hint)
    }
}
