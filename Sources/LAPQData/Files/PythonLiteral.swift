/// The Python literals a .npy header is written in: numpy stores the header as the `repr` of a
/// dict such as `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
enum PythonLiteral: Equatable {
    case string(String)
    case bool(Bool)
    case integer(Int)
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([String: PythonLiteral])

    /// Parses one literal that spans all of `text` (surrounding whitespace allowed). Accepts the
    /// subset numpy writes — strings in either quote, True/False, integers (with Python 2's `L`
    /// suffix), tuples, lists and dicts with string keys, trailing commas — and throws a
    /// `reason` string for anything else.
    static func parse(_ text: String) throws(LiteralParseError) -> PythonLiteral {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.atEnd else { throw parser.error("unexpected text after the literal") }
        return value
    }
}

/// Where and why a header literal did not parse.
struct LiteralParseError: Error {
    let reason: String
}

private struct Parser {
    let scalars: [Unicode.Scalar]
    var position = 0

    var atEnd: Bool { position >= scalars.count }

    mutating func skipSpace() {
        while !atEnd, scalars[position].properties.isWhitespace { position += 1 }
    }

    func error(_ reason: String) -> LiteralParseError {
        LiteralParseError(reason: "\(reason) at character \(position)")
    }

    mutating func value() throws(LiteralParseError) -> PythonLiteral {
        skipSpace()
        guard !atEnd else { throw error("unexpected end of header") }
        switch scalars[position] {
        case "'", "\"": return .string(try string())
        case "(": return .tuple(try sequence(closing: ")"))
        case "[": return .list(try sequence(closing: "]"))
        case "{": return .dict(try dict())
        case "-", "0"..."9": return .integer(try integer())
        default: return .bool(try boolean())
        }
    }

    private mutating func string() throws(LiteralParseError) -> String {
        let quote = scalars[position]
        position += 1
        var text = String.UnicodeScalarView()
        while !atEnd, scalars[position] != quote {
            // numpy's dtype strings never need escapes; a backslash means a header lapq did not write
            // and does not need to understand.
            guard scalars[position] != "\\" else { throw error("escape sequences are not supported") }
            text.append(scalars[position])
            position += 1
        }
        guard !atEnd else { throw error("unterminated string") }
        position += 1
        return String(text)
    }

    private mutating func integer() throws(LiteralParseError) -> Int {
        let start = position
        if scalars[position] == "-" { position += 1 }
        while !atEnd, ("0"..."9").contains(scalars[position]) { position += 1 }
        let digits = String(String.UnicodeScalarView(scalars[start..<position]))
        if !atEnd, scalars[position] == "L" { position += 1 }
        guard let value = Int(digits) else { throw error("'\(digits)' is not an integer lapq can represent") }
        return value
    }

    private mutating func boolean() throws(LiteralParseError) -> Bool {
        for (word, value) in [("True", true), ("False", false)] {
            let end = position + word.unicodeScalars.count
            if end <= scalars.count, Array(word.unicodeScalars) == Array(scalars[position..<end]) {
                position = end
                return value
            }
        }
        throw error("expected a string, number, True, False, tuple, list or dict")
    }

    /// Comma-separated values up to `closing`; a trailing comma is allowed, as in `(3,)`.
    private mutating func sequence(closing: Unicode.Scalar) throws(LiteralParseError) -> [PythonLiteral] {
        position += 1
        var items: [PythonLiteral] = []
        while true {
            skipSpace()
            if !atEnd, scalars[position] == closing { position += 1; return items }
            items.append(try value())
            try separator(closing: closing)
        }
    }

    private mutating func dict() throws(LiteralParseError) -> [String: PythonLiteral] {
        position += 1
        var entries: [String: PythonLiteral] = [:]
        while true {
            skipSpace()
            if !atEnd, scalars[position] == "}" { position += 1; return entries }
            guard case let .string(key) = try value() else { throw error("dict keys must be strings") }
            skipSpace()
            guard !atEnd, scalars[position] == ":" else { throw error("expected ':' after key '\(key)'") }
            position += 1
            guard entries.updateValue(try value(), forKey: key) == nil else { throw error("duplicate key '\(key)'") }
            try separator(closing: "}")
        }
    }

    /// After an item: a comma, or the closing bracket (left for the caller to consume).
    private mutating func separator(closing: Unicode.Scalar) throws(LiteralParseError) {
        skipSpace()
        guard !atEnd else { throw error("unexpected end of header, expected '\(closing)'") }
        if scalars[position] == "," { position += 1; return }
        guard scalars[position] == closing else { throw error("expected ',' or '\(closing)'") }
    }
}
