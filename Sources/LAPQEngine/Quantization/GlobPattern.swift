/// A shell-style wildcard pattern over a whole name, as Python's `fnmatch.fnmatchcase`: `*` any
/// run of characters (also `/` and `.`), `?` one character, `[abc]` / `[a-z]` one of a set,
/// `[!abc]` one outside it (`[*]` matches a literal `*`; a backslash is an ordinary character, as
/// in fnmatch). A `[` without its `]` is a literal `[`. Matching is case-sensitive, over Unicode
/// characters. Held to fnmatch by Scripts/goldens/gen-glob-goldens.py's goldens.
///
/// Backtracks over the last `*` only (the classic greedy algorithm), so a match costs
/// O(pattern × name) at worst.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    private enum Token: Hashable, Sendable {
        case literal(Character)
        case any
        case anyRun
        /// A bracket set: its single characters and ranges, negated by a leading `!`.
        case set(characters: Set<Character>, ranges: [ClosedRange<Character>], negated: Bool)

        func matches(_ character: Character) -> Bool {
            switch self {
            case .literal(let literal): return character == literal
            case .any: return true
            case .anyRun: return false
            case let .set(characters, ranges, negated):
                let inside = characters.contains(character) || ranges.contains { $0.contains(character) }
                return inside != negated
            }
        }
    }

    public let description: String
    private let tokens: [Token]

    public init(_ pattern: String) {
        description = pattern
        tokens = Self.tokens(of: Array(pattern))
    }

    /// Whether the whole of `name` matches.
    public func matches(_ name: String) -> Bool {
        let characters = Array(name)
        var (token, position) = (0, 0)
        var resume: (token: Int, position: Int)?
        while position < characters.count {
            if token < tokens.count, tokens[token] == .anyRun {
                resume = (token, position)
                token += 1
            } else if token < tokens.count, tokens[token].matches(characters[position]) {
                token += 1
                position += 1
            } else if let last = resume {
                // Let the last `*` swallow one more character and try again from there.
                resume = (last.token, last.position + 1)
                (token, position) = (last.token + 1, last.position + 1)
            } else {
                return false
            }
        }
        return tokens[token...].allSatisfy { $0 == .anyRun }
    }

    private static func tokens(of pattern: [Character]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < pattern.count {
            let character = pattern[index]
            index += 1
            switch character {
            case "*": tokens.append(.anyRun)
            case "?": tokens.append(.any)
            case "[":
                if let (set, next) = bracketSet(pattern, from: index) {
                    tokens.append(set)
                    index = next
                } else {
                    tokens.append(.literal("["))
                }
            default: tokens.append(.literal(character))
            }
        }
        return tokens
    }

    /// The set that starts after a `[` at `start`, and the index after its `]`; nil when no `]`
    /// closes it. A `]` right after `[` or `[!` belongs to the set, as in fnmatch.
    private static func bracketSet(_ pattern: [Character], from start: Int) -> (Token, Int)? {
        var index = start
        let negated = index < pattern.count && pattern[index] == "!"
        if negated { index += 1 }
        var characters = Set<Character>(), ranges: [ClosedRange<Character>] = []
        var first = true
        while index < pattern.count {
            let character = pattern[index]
            if character == "]" && !first { return (.set(characters: characters, ranges: ranges, negated: negated), index + 1) }
            first = false
            if index + 2 < pattern.count, pattern[index + 1] == "-", pattern[index + 2] != "]" {
                if character <= pattern[index + 2] { ranges.append(character...pattern[index + 2]) }
                index += 3
            } else {
                characters.insert(character)
                index += 1
            }
        }
        return nil
    }
}
