/// The few pieces of markup the HTML pages (report.html, `compare --html`) are made of. Pages
/// are written XHTML-compatible — every element closed, only XML's five entities — so they are
/// well-formed XML as well as HTML, and a test can check them with an XML parser.
enum HTMLMarkup {
    /// `text` with the characters that could end an attribute or open a tag replaced by entities.
    /// Every string that reaches a page (paths, tensor names, reasons) goes through here.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `<name attributes>content</name>`; attribute values are escaped, nil ones left out;
    /// `content` is markup.
    static func element(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], _ content: String = "") -> String {
        "<\(name)\(attributeList(attributes))>\(content)</\(name)>"
    }

    private static func attributeList(_ attributes: KeyValuePairs<String, String?>) -> String {
        attributes.compactMap { name, value in value.map { " \(name)=\"\(escape($0))\"" } }.joined()
    }

    /// A whole page: the shared stylesheet inline, nothing loaded from elsewhere, no scripts.
    static func document(title: String, body: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
            + element("title", [:], escape(title)) + "\n"
            + element("style", [:], styleSheet) + "\n</head>\n"
            + element("body", [:], "\n" + body + "\n") + "\n</html>\n"
    }

    /// Layout and type only; the figures carry their own colours, so an SVG copied out of a page
    /// still draws the same.
    private static let styleSheet = """

        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 24px auto; max-width: 1120px; padding: 0 16px; }
        h1 { font-size: 22px; margin: 0 0 8px; }
        h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 16px 0 6px; }
        p, ul { margin: 6px 0; }
        code { font: 12px ui-monospace, "SFMono-Regular", Menlo, monospace; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
        th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 10px; text-align: left; vertical-align: top; }
        th { background: #f6f6f6; font-weight: 600; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        .figures { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: flex-start; }
        .runs { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        .run { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; }
        .run h3 { margin-top: 4px; }
        .note { color: #666; font-size: 13px; }
        svg text { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }

        """
}
