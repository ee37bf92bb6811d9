/// A plain table for the HTML pages; every cell's text is escaped.
struct HTMLTable {
    struct Cell {
        var text: String
        /// Right-aligned in tabular figures.
        var isNumber = false
        /// Set in `<code>` (tensor and node names).
        var isCode = false
        /// Shown on hover (why a layer took its compute path).
        var hint: String?

        static func number(_ text: String) -> Cell { Cell(text: text, isNumber: true) }
        static func code(_ text: String) -> Cell { Cell(text: text, isCode: true) }
    }

    var headers: [String]
    var rows: [[Cell]]

    func markup() -> String {
        let head = HTMLMarkup.element("tr", [:], headers.map { HTMLMarkup.element("th", [:], HTMLMarkup.escape($0)) }.joined())
        let body = rows.map { row in
            HTMLMarkup.element("tr", [:], row.map(cellMarkup).joined())
        }.joined(separator: "\n")
        return HTMLMarkup.element("table", [:], "\n" + HTMLMarkup.element("thead", [:], head) + "\n"
                                  + HTMLMarkup.element("tbody", [:], "\n" + body + "\n") + "\n")
    }

    private func cellMarkup(_ cell: Cell) -> String {
        let text = cell.isCode ? HTMLMarkup.element("code", [:], HTMLMarkup.escape(cell.text)) : HTMLMarkup.escape(cell.text)
        return HTMLMarkup.element("td", ["class": cell.isNumber ? "number" : nil, "title": cell.hint], text)
    }
}
