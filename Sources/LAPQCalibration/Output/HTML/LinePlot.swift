/// A line and/or scatter plot as inline SVG, with axes, ticks, labels and a legend: the p sweep
/// with its fitted parabola and p*, Powell's loss per line search. Used by report.html and the
/// `compare --html` page alike.
struct LinePlot {
    enum Mark {
        case line
        case points
        case lineAndPoints
    }

    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var mark: Mark
    }

    /// A dashed vertical line across the plot at `x`, labelled at its top (p*).
    struct Marker {
        var x: Double
        var label: String
    }

    var title: String
    /// The figure's `data-plot` name.
    var kind: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    var markers: [Marker] = []
    /// Ticks on whole x values only (counts).
    var integerX = false
    var width = 540.0
    var height = 320.0

    func svg() -> String {
        let colors = series.indices.map { PlotFrame.palette[$0 % PlotFrame.palette.count] }
        let legend = zip(series, colors).map { series, color in
            PlotFrame.LegendEntry(name: series.name, color: color, swatch: series.mark == .points ? .point : .line(dashed: false))
        }
        let frame = PlotFrame(width: width, height: height, title: title, kind: kind, legend: legend)
        let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xAxis = PlotAxis(values: points.map(\.x) + markers.map(\.x), pixels: (frame.left, frame.right),
                             integers: integerX, margins: (0.04, 0.04))
        // Headroom above the data for the markers' labels, one line each.
        let yAxis = PlotAxis(values: points.map(\.y), pixels: (frame.bottom, frame.top),
                             margins: (0.06, markers.isEmpty ? 0.06 : 0.12 + 0.08 * Double(markers.count)))
        let content = xAxisMarkup(xAxis, frame: frame)
            + zip(series, colors).map { seriesMarkup($0, color: $1, x: xAxis, y: yAxis) }.joined()
            + markers.enumerated().map { markerMarkup($0.element, line: $0.offset, x: xAxis, frame: frame) }.joined()
        return frame.svg(yAxis: yAxis, yLabel: yLabel, content: content)
    }

    private func xAxisMarkup(_ axis: PlotAxis, frame: PlotFrame) -> String {
        var markup = ""
        for tick in axis.ticks {
            let x = axis.position(tick)
            markup += PlotFrame.line(x1: x, y1: frame.bottom, x2: x, y2: frame.bottom + 4, color: "#555")
            markup += PlotFrame.text(axis.label(tick), x: x, y: frame.bottom + 17)
        }
        return markup + PlotFrame.text(xLabel, x: (frame.left + frame.right) / 2, y: frame.bottom + 35, size: 12)
    }

    /// Non-finite points are left out (a line is not drawn through them).
    private func seriesMarkup(_ series: Series, color: String, x: PlotAxis, y: PlotAxis) -> String {
        let placed = series.points.filter { $0.x.isFinite && $0.y.isFinite }
            .map { (x: PlotFrame.coordinate(x.position($0.x)), y: PlotFrame.coordinate(y.position($0.y))) }
        var markup = ""
        if series.mark != .points, placed.count > 1 {
            markup += "<polyline points=\"" + placed.map { "\($0.x),\($0.y)" }.joined(separator: " ")
                + "\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\"/>"
        }
        if series.mark != .line {
            markup += placed.map { "<circle cx=\"\($0.x)\" cy=\"\($0.y)\" r=\"3.5\" fill=\"\(color)\"/>" }.joined()
        }
        return markup
    }

    /// The label sits right of the line, or left of it in the plot's right third, to stay inside;
    /// the n-th marker's label on the n-th line from the top, so that close markers stay legible.
    private func markerMarkup(_ marker: Marker, line: Int, x axis: PlotAxis, frame: PlotFrame) -> String {
        guard marker.x.isFinite else { return "" }
        let x = axis.position(marker.x)
        let leftSide = x > frame.left + (frame.right - frame.left) * 2 / 3
        return PlotFrame.line(x1: x, y1: frame.top, x2: x, y2: frame.bottom, color: "#444", dashed: true)
            + PlotFrame.text(marker.label, x: leftSide ? x - 5 : x + 5, y: frame.top + 15 + 14 * Double(line),
                             anchor: leftSide ? "end" : "start", color: "#222")
    }
}
