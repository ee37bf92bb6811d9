import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// An HTML page read back with an XML parser: the pages are written XHTML-compatible, so a
/// parse error is a malformed page (an unescaped name, an unclosed element). Records what the
/// tests look at: every element and attribute name, the text, and each figure's content.
final class ParsedPage: NSObject, XMLParserDelegate {
    private(set) var elementNames: [String] = []
    private(set) var attributeNames: Set<String> = []
    private(set) var text = ""
    /// The `data-plot` name of every `<svg>`, in page order.
    private(set) var plots: [String] = []
    /// Element names inside each figure, by its `data-plot` name (all figures of that name).
    private(set) var plotElements: [String: [String]] = [:]
    private var currentPlot: String?
    private var depth = 0
    private var errors: [Error] = []

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Throws `Malformed` (failing the test that reads the page) unless `html` is well-formed.
    init(_ html: String) throws {
        super.init()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = self
        // swift-corelibs' parse() returns true at a premature end of the document (elements left
        // open), with parserError set; so every sign of an error counts, and the depth must be 0.
        let parsed = parser.parse()
        guard parsed, parser.parserError == nil, errors.isEmpty, depth == 0 else {
            throw Malformed(description: "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?"), "
                            + "\(depth) elements open, at line \(parser.lineNumber)")
        }
    }

    func count(plot: String) -> Int { plots.filter { $0 == plot }.count }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elementNames.append(name)
        depth += 1
        attributeNames.formUnion(attributes.keys)
        if name == "svg" {
            let plot = attributes["data-plot"] ?? "?"
            plots.append(plot)
            currentPlot = plot
        } else if let currentPlot {
            plotElements[currentPlot, default: []].append(name)
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        if name == "svg" { currentPlot = nil }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { errors.append(parseError) }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

/// A page is self-contained: nothing that loads a resource or runs code.
func assertSelfContained(_ page: ParsedPage, _ html: String, file: StaticString = #filePath, line: UInt = #line) {
    let loading: Set<String> = ["script", "link", "img", "image", "iframe", "object", "embed", "use"]
    XCTAssertEqual(Set(page.elementNames).intersection(loading), [], file: file, line: line)
    XCTAssertEqual(page.attributeNames.intersection(["src", "href", "xlink:href", "srcset"]), [], file: file, line: line)
    XCTAssertFalse(html.contains("url(") || html.contains("@import"), "the stylesheet loads nothing", file: file, line: line)
}
