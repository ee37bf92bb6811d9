/// The report's "Cost of each quantization point" section, from sensitivity.json: what the
/// run's quantized network gains when one point alone is restored to a wider width. Absent
/// until `lapq-coord sensitivity` has measured it.
extension CalibrationReport {
    /// A point's row with its position in plan order (1-based: the bar chart's label).
    public typealias RankedPoint = (number: Int, point: SensitivityFile.Point)

    /// The points by Δloss, the costliest first; equal costs in plan order.
    public static func pointsByCost(_ sensitivity: SensitivityFile) -> [RankedPoint] {
        sensitivity.points.enumerated().map { (number: $0.offset + 1, point: $0.element) }
            .sorted { ($1.point.lossDelta, $0.number) < ($0.point.lossDelta, $1.number) }
    }

    /// What was measured and how to read it, in one paragraph.
    static func pointCostNote(_ sensitivity: SensitivityFile) -> String {
        let bits = sensitivity.restoredBits, baseline = sensitivity.baseline, float = sensitivity.float
        return "Each quantization point alone at \(bits) bits with max-abs steps, every other point at the run's final steps, "
            + "measured on \(sensitivity.data) (\(baseline.samples) samples): float loss \(formatNumber(float.loss)), "
            + "top-1 \(formatPercent(float.top1)); the run's steps \(formatNumber(baseline.loss)), \(formatPercent(baseline.top1)). "
            + "Δloss = the run's loss − the loss with the point at \(bits) bits: what that point costs; Δtop-1 = the top-1 it "
            + "gains. Each is measured for one point alone, so they do not add up."
    }

    /// The column headers and the cells of one row, shared by report.md, report.html and the
    /// table `sensitivity` prints.
    public static let pointCostHeaders = ["#", "point", "read by", "kind", "bits", "loss restored", "Δloss", "top-1 restored",
                                          "Δtop-1"]

    public static func pointCostCells(_ ranked: RankedPoint) -> [String] {
        let point = ranked.point
        let readers = (point.consumers.first ?? "") + (point.consumers.count > 1 ? " +\(point.consumers.count - 1)" : "")
        return ["\(ranked.number)", point.name, readers, point.kind.rawValue, "\(point.bits)", formatNumber(point.loss),
                signed(formatNumber(point.lossDelta), point.lossDelta), formatPercent(point.top1),
                signed(formatPercent(point.top1Delta), point.top1Delta)]
    }

    /// "+0.12" for a gain, as a change is read.
    private static func signed(_ text: String, _ value: Double) -> String { value > 0 ? "+" + text : text }

    func pointCostSection() -> [String] {
        guard let sensitivity else { return [] }
        let rows = Self.pointsByCost(sensitivity).map { ranked -> String in
            var cells = Self.pointCostCells(ranked)
            cells[1] = "`\(cells[1])`"
            cells[2] = "`\(cells[2])`"
            return "| " + cells.joined(separator: " | ") + " |"
        }
        return ["", "## Cost of each quantization point", "", Self.pointCostNote(sensitivity), "",
                "| " + Self.pointCostHeaders.joined(separator: " | ") + " |",
                "|" + String(repeating: "---|", count: Self.pointCostHeaders.count)] + rows
    }
}
