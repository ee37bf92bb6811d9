/// report.html's "Cost of each quantization point": Δloss of every point as a bar in plan
/// order (where in the network the cost sits), then the table by cost (what to restore first).
extension CalibrationReport {
    func pointCostHTML() -> [String] {
        guard let sensitivity else { return [] }
        let groups = sensitivity.points.enumerated().map { BarChart.Group(label: "\($0.offset + 1)", values: [$0.element.lossDelta]) }
        // About 18 px per point, within the page's width.
        let width = min(1080, max(420, 82 + 18 * Double(groups.count)))
        let chart = BarChart(title: "Δloss with one point at \(sensitivity.restoredBits) bits, in plan order",
                             kind: "point-cost", yLabel: "Δ mean cross-entropy", seriesNames: ["Δloss"], groups: groups,
                             width: width).svg()
        let rows = Self.pointsByCost(sensitivity).map { ranked in
            Self.pointCostCells(ranked).enumerated().map { column, text -> HTMLTable.Cell in
                switch column {
                case 1, 2: return .code(text)
                case 3: return HTMLTable.Cell(text: text)
                default: return .number(text)
                }
            }
        }
        return [HTMLMarkup.element("h2", [:], "Cost of each quantization point"),
                HTMLMarkup.element("p", ["class": "note"], HTMLMarkup.escape(Self.pointCostNote(sensitivity))),
                figureRow([chart]),
                HTMLTable(headers: Self.pointCostHeaders, rows: rows).markup()]
    }
}
