import Foundation

/// What every figure shares — its size, title, legend, plot area and y axis with grid lines —
/// so the line plot and the bar chart look alike. Colours are SVG attributes, not page CSS, so
/// a figure draws the same outside the page it came in.
struct PlotFrame {
    enum Swatch {
        case line(dashed: Bool)
        case point
        case bar
    }

    struct LegendEntry {
        var name: String
        var color: String
        var swatch: Swatch
    }

    /// Colour-blind-safe (Okabe and Ito, "Color Universal Design", 2008).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    /// Roughly the advance of one character at `size` px in a sans-serif face; enough to keep
    /// labels from running into each other.
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.56 }

    static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }

    let width: Double
    let height: Double
    let title: String
    /// The figure's `data-plot` name ("p-sweep", "powell", …): what it shows, for tests and CSS.
    let kind: String
    let legend: [LegendEntry]
    let left: Double
    let right: Double
    let top: Double
    let bottom: Double

    init(width: Double, height: Double, title: String, kind: String, legend: [LegendEntry], bottomMargin: Double = 44) {
        self.width = width
        self.height = height
        self.title = title
        self.kind = kind
        self.legend = legend
        left = 66
        right = width - 16
        top = legend.isEmpty ? 32 : 50
        bottom = height - bottomMargin
    }

    /// The whole `<svg>`: frame, y axis (ticks, grid, label), then `content` (the data and the
    /// x axis, drawn by the figure) over it.
    func svg(yAxis: PlotAxis, yLabel: String, content: String) -> String {
        let parts = [background(), titleText(), legendMarkup(), yAxisMarkup(yAxis, label: yLabel), content, frameMarkup()]
        return HTMLMarkup.element("svg", ["class": "plot", "data-plot": kind, "role": "img", "aria-label": title,
                                          "width": Self.coordinate(width), "height": Self.coordinate(height),
                                          "viewBox": "0 0 \(Self.coordinate(width)) \(Self.coordinate(height))"],
                                  HTMLMarkup.element("title", [:], HTMLMarkup.escape(title)) + parts.joined())
    }

    /// A text label (escaped); `anchor` is SVG's text-anchor, `rotation` degrees about (x, y).
    static func text(_ content: String, x: Double, y: Double, size: Double = 11, anchor: String = "middle",
                     color: String = "#333", bold: Bool = false, rotation: Double? = nil) -> String {
        var attributes = "x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" font-size=\"\(coordinate(size))\""
            + " text-anchor=\"\(anchor)\" fill=\"\(color)\""
        if bold { attributes += " font-weight=\"600\"" }
        if let rotation { attributes += " transform=\"rotate(\(coordinate(rotation)) \(coordinate(x)) \(coordinate(y)))\"" }
        return "<text \(attributes)>" + HTMLMarkup.escape(content) + "</text>"
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, color: String, width: Double = 1,
                     dashed: Bool = false) -> String {
        "<line x1=\"\(coordinate(x1))\" y1=\"\(coordinate(y1))\" x2=\"\(coordinate(x2))\" y2=\"\(coordinate(y2))\""
            + " stroke=\"\(color)\" stroke-width=\"\(coordinate(width))\"" + (dashed ? " stroke-dasharray=\"5 4\"" : "") + "/>"
    }

    private func background() -> String {
        "<rect x=\"0\" y=\"0\" width=\"\(Self.coordinate(width))\" height=\"\(Self.coordinate(height))\" fill=\"#ffffff\"/>"
    }

    private func titleText() -> String {
        Self.text(title, x: left, y: 19, size: 13, anchor: "start", color: "#111", bold: true)
    }

    /// One row under the title; entries are spaced by their estimated text width.
    private func legendMarkup() -> String {
        var x = left, markup = ""
        for entry in legend {
            let y = 37.0
            switch entry.swatch {
            case .line(let dashed):
                markup += Self.line(x1: x, y1: y - 4, x2: x + 18, y2: y - 4, color: entry.color, width: 2, dashed: dashed)
            case .point:
                markup += "<circle cx=\"\(Self.coordinate(x + 9))\" cy=\"\(Self.coordinate(y - 4))\" r=\"3.5\" fill=\"\(entry.color)\"/>"
            case .bar:
                markup += "<rect x=\"\(Self.coordinate(x + 3))\" y=\"\(Self.coordinate(y - 10))\" width=\"12\" height=\"12\" fill=\"\(entry.color)\"/>"
            }
            markup += Self.text(entry.name, x: x + 24, y: y, anchor: "start")
            x += 24 + Self.textWidth(entry.name, size: 11) + 16
        }
        return markup
    }

    private func yAxisMarkup(_ axis: PlotAxis, label: String) -> String {
        var markup = ""
        for tick in axis.ticks {
            let y = axis.position(tick)
            markup += Self.line(x1: left, y1: y, x2: right, y2: y, color: "#e6e6e6")
            markup += Self.line(x1: left - 4, y1: y, x2: left, y2: y, color: "#555")
            markup += Self.text(axis.label(tick), x: left - 7, y: y + 4, anchor: "end")
        }
        let middle = (top + bottom) / 2
        return markup + Self.text(label, x: 16, y: middle, size: 12, rotation: -90)
    }

    private func frameMarkup() -> String {
        "<rect x=\"\(Self.coordinate(left))\" y=\"\(Self.coordinate(top))\" width=\"\(Self.coordinate(right - left))\""
            + " height=\"\(Self.coordinate(bottom - top))\" fill=\"none\" stroke=\"#555\"/>"
    }
}
