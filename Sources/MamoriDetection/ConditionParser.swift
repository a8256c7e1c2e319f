/// The parsed form of a Sigma `condition`.
///
/// Exists so that condition syntax errors are reported with the exact column of the offending
/// token, and so that the compiler can resolve selection names and `1 of`/`all of` patterns
/// separately from parsing. Build-time only; any thread.
indirect enum ConditionNode: Equatable, Sendable {
    case selection(String, offset: Int)
    /// `1 of pattern` (`all: false`) or `all of pattern`; pattern `nil` means `them`.
    case quantified(all: Bool, pattern: String?, offset: Int)
    case and([ConditionNode])
    case or([ConditionNode])
    case not(ConditionNode)
}

/// Recursive-descent parser with Sigma precedence: `or` < `and` < `not` < `x of` < parentheses.
struct ConditionParser {
    /// A syntax error at a character offset (in Unicode scalars) of the condition text.
    struct SyntaxError: Error, Equatable {
        var offset: Int
        var message: String
    }

    private enum Token: Equatable {
        case word(String), number(Int), open, close, pipe
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var index = 0
    private let length: Int

    static func parse(_ text: String) throws(SyntaxError) -> ConditionNode {
        var parser = try ConditionParser(text)
        guard !parser.tokens.isEmpty else { throw SyntaxError(offset: 0, message: "empty condition") }
        let node = try parser.parseOr()
        if parser.index < parser.tokens.count {
            let (token, offset) = parser.tokens[parser.index]
            if token == .pipe {
                throw SyntaxError(offset: offset, message: "aggregation expressions ('| count() ...') are not supported; use 'mamori: threshold:' instead")
            }
            throw SyntaxError(offset: offset, message: "unexpected \(ConditionParser.describe(token)) after a complete expression")
        }
        return node
    }

    private init(_ text: String) throws(SyntaxError) {
        let scalars = Array(text.unicodeScalars)
        length = scalars.count
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            if c == "(" { tokens.append((.open, i)); i += 1; continue }
            if c == ")" { tokens.append((.close, i)); i += 1; continue }
            if c == "|" { tokens.append((.pipe, i)); break }   // the rest is an aggregation
            let start = i
            var word = ""
            while i < scalars.count, isWordScalar(scalars[i]) { word.unicodeScalars.append(scalars[i]); i += 1 }
            if word.isEmpty {
                throw SyntaxError(offset: i, message: "unexpected character '\(c)' in condition")
            }
            if let n = Int(word) { tokens.append((.number(n), start)) } else { tokens.append((.word(word), start)) }
        }
    }

    private func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c.properties.numericType != nil || c == "_" || c == "*"
            || c == "-" || c == "." || c == "?"
    }

    private static func describe(_ token: Token) -> String {
        switch token {
        case .word(let w): return "'\(w)'"
        case .number(let n): return "'\(n)'"
        case .open: return "'('"
        case .close: return "')'"
        case .pipe: return "'|'"
        }
    }

    private var endOffset: Int { length }

    private func peekKeyword(_ keyword: String) -> Bool {
        guard index < tokens.count, case .word(let w) = tokens[index].token else { return false }
        return w.lowercased() == keyword
    }

    private mutating func parseOr() throws(SyntaxError) -> ConditionNode {
        var terms = [try parseAnd()]
        while peekKeyword("or") {
            index += 1
            terms.append(try parseAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseAnd() throws(SyntaxError) -> ConditionNode {
        var terms = [try parseNot()]
        while peekKeyword("and") {
            index += 1
            terms.append(try parseNot())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseNot() throws(SyntaxError) -> ConditionNode {
        if peekKeyword("not") {
            index += 1
            return .not(try parseNot())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(SyntaxError) -> ConditionNode {
        guard index < tokens.count else {
            throw SyntaxError(offset: endOffset, message: "condition ends where a selection, '1 of', 'all of', 'not' or '(' was expected")
        }
        let (token, offset) = tokens[index]
        index += 1
        switch token {
        case .open:
            let inner = try parseOr()
            guard index < tokens.count, tokens[index].token == .close else {
                let at = index < tokens.count ? tokens[index].offset : endOffset
                throw SyntaxError(offset: at, message: "missing ')' to close the '(' at column offset \(offset + 1)")
            }
            index += 1
            return inner
        case .close:
            throw SyntaxError(offset: offset, message: "unexpected ')'")
        case .pipe:
            throw SyntaxError(offset: offset, message: "aggregation expressions ('| count() ...') are not supported; use 'mamori: threshold:' instead")
        case .number(let n):
            guard peekKeyword("of") else {
                throw SyntaxError(offset: offset, message: "a number must be followed by 'of' (as in '1 of selection_*')")
            }
            guard n == 1 else {
                throw SyntaxError(offset: offset, message: "'\(n) of' is not Sigma; use '1 of' or 'all of'")
            }
            index += 1
            return try parseQuantifierTarget(all: false, offset: offset)
        case .word(let w):
            let lower = w.lowercased()
            if lower == "all" && peekKeyword("of") {
                index += 1
                return try parseQuantifierTarget(all: true, offset: offset)
            }
            if ["and", "or", "of", "them"].contains(lower) {
                throw SyntaxError(offset: offset, message: "unexpected '\(w)' where a selection name was expected")
            }
            if lower == "not" { index -= 1; return try parseNot() }
            return .selection(w, offset: offset)
        }
    }

    private mutating func parseQuantifierTarget(all: Bool, offset: Int) throws(SyntaxError) -> ConditionNode {
        guard index < tokens.count, case .word(let target) = tokens[index].token else {
            let at = index < tokens.count ? tokens[index].offset : endOffset
            throw SyntaxError(offset: at, message: "expected a selection pattern or 'them' after 'of'")
        }
        let targetOffset = tokens[index].offset
        index += 1
        if target.lowercased() == "them" { return .quantified(all: all, pattern: nil, offset: offset) }
        return .quantified(all: all, pattern: target, offset: targetOffset)
    }
}
