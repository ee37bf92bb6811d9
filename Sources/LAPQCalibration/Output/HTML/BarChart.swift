/// A grouped bar chart as inline SVG: one group per category (a data set, a run), one bar per
/// series (FP32, quantized, …), each labelled with its value. Used by report.html and the
/// `compare --html` page alike.
struct BarChart {
    struct Group {
        var label: String
        /// One per series; nil leaves the bar out (no validation set, say).
        var values: [Double?]
    }

    var title: String
    /// The figure's `data-plot` name.
    var kind: String
    var yLabel: String
    var seriesNames: [String]
    var groups: [Group]
    var style: PlotValueStyle = .number
    var width = 420.0
    var height = 300.0

    func svg() -> String {
        let colors = seriesNames.indices.map { PlotFrame.palette[$0 % PlotFrame.palette.count] }
        let legend = zip(seriesNames, colors).map { PlotFrame.LegendEntry(name: $0, color: $1, swatch: .bar) }
        let plotWidth = width - 82, groupWidth = plotWidth / Double(max(groups.count, 1))
        let longest = groups.map { PlotFrame.textWidth($0.label, size: 11) }.max() ?? 0
        // Group labels wider than their group are turned, and the bottom margin grows to hold them.
        let turned = longest > groupWidth - 8
        let frame = PlotFrame(width: width, height: height, title: title, kind: kind, legend: legend,
                              bottomMargin: turned ? 22 + longest * 0.55 : 30)
        let values = groups.flatMap { $0.values.compactMap { $0 } }
        let yAxis = PlotAxis(values: values, pixels: (frame.bottom, frame.top), includeZero: true, margins: (0, 0.1),
                             roundsToTicks: true, limit: style == .percent ? 1 : nil, style: style)
        // Turned labels closer together than a line of text would overlap: every n-th is drawn.
        let labelStride = turned ? max(1, Int((13 / groupWidth).rounded(.up))) : 1
        var content = ""
        for (index, group) in groups.enumerated() {
            let groupStart = frame.left + Double(index) * groupWidth
            if index % labelStride == 0 {
                content += groupLabel(group.label, centre: groupStart + groupWidth / 2, frame: frame, turned: turned)
            }
            content += bars(group, start: groupStart, width: groupWidth, colors: colors, y: yAxis)
        }
        return frame.svg(yAxis: yAxis, yLabel: yLabel, content: content)
    }

    private func groupLabel(_ label: String, centre: Double, frame: PlotFrame, turned: Bool) -> String {
        turned ? PlotFrame.text(label, x: centre + 4, y: frame.bottom + 14, anchor: "end", rotation: -35)
            : PlotFrame.text(label, x: centre, y: frame.bottom + 17)
    }

    /// The group's bars side by side in its middle 80 %, each labelled with its value; a label
    /// is left out where it would be wider than its bar (the page's table has every number).
    private func bars(_ group: Group, start: Double, width: Double, colors: [String], y: PlotAxis) -> String {
        let barWidth = width * 0.8 / Double(max(seriesNames.count, 1))
        var markup = ""
        for (series, value) in group.values.enumerated() where series < colors.count {
            guard let value, value.isFinite else { continue }
            let x = start + width * 0.1 + Double(series) * barWidth
            let top = min(y.position(value), y.position(0)), bottom = max(y.position(value), y.position(0))
            markup += "<rect x=\"\(PlotFrame.coordinate(x + 1))\" y=\"\(PlotFrame.coordinate(top))\""
                + " width=\"\(PlotFrame.coordinate(barWidth - 2))\" height=\"\(PlotFrame.coordinate(bottom - top))\""
                + " fill=\"\(colors[series])\"/>"
            let label = PlotAxis.valueLabel(value, style: style)
            // Within its own slot, so that neighbouring labels never overlap.
            guard PlotFrame.textWidth(label, size: 10) <= barWidth else { continue }
            // A bar reaching the top (top-1 near 100 %) carries its label inside, in white.
            let inside = top - 14 < y.end
            markup += PlotFrame.text(label, x: x + barWidth / 2, y: inside ? top + 12 : top - 4, size: 10,
                                     color: inside ? "#ffffff" : "#333")
        }
        return markup
    }
}
