/// A small regular-expression matcher for the subset Sigma rules use, over UTF-8 text.
///
/// Exists because ICU costs about a microsecond per evaluation on Linux (String bridging,
/// UTF-16 conversion, a general engine), which dominated rules built on regexes. Rules only ask
/// *whether* a match exists, so group priorities, greediness and captures do not matter: the
/// pattern compiles to a few instructions run by a backtracking search that remembers every
/// (instruction, position) it has already explored, so it is linear in program × text size and
/// cannot blow up on pathological patterns.
///
/// Supported: literals and escaped punctuation, `.`, classes with ranges and `\d \w \s` (and
/// negations), groups (capturing, `(?:`, named), `|`, `* + ?` and `{n}`, `{n,}`, `{n,m}` (lazy
/// forms too), `^ $ \A \z \Z \b \B`, a leading `(?i)` and the `i`/`m`/`s` options — with ICU's
/// ASCII semantics, checked against ICU by `FastRegexTests` (`\s` is tab, line feed, vertical
/// tab, form feed, carriage return and space; the line terminators that stop `.` and anchor
/// `^`/`$` are line feed, vertical tab, form feed and carriage return, `\r\n` counting as one).
///
/// Non-ASCII text is matched as UTF-8: a non-ASCII character is matched by `.`, negated classes
/// and `\D \W \S` (consuming the whole character's bytes), never by `\d \w \s`, an ASCII class
/// or an ASCII literal, and counts as a non-word character for `\b`/`\B` (ICU would call a
/// letter such as é a word character: the one deviation). Non-ASCII literals in a pattern are
/// their UTF-8 byte sequences (case-sensitive only). Anything else (lookaround,
/// backreferences, possessive quantifiers, Unicode properties, non-ASCII class members,
/// non-ASCII literals under `(?i)`) makes `init` fail, and `RegexMatcher` then rejects the rule
/// at load: there is no super-linear fallback engine. Immutable after init; any thread may match.
final class FastRegex: Sendable {
    enum Inst: Sendable {
        case byte(UInt8)
        case set(Int)            // index into `sets`
        case any                 // `.` (line terminators excluded unless dotAll)
        case split(Int, Int)
        case jump(Int)
        case assert(Assertion)
        case match
    }

    enum Assertion: Sendable { case lineStart, lineEnd, textStart, textEnd, textEndOrFinalNewline, wordBoundary, notWordBoundary }

    private let program: [Inst]
    /// 128-bit membership per class (ASCII).
    private let sets: [(UInt64, UInt64)]
    /// Per set: whether non-ASCII characters are members.
    private let wide: [Bool]
    private let dotAll: Bool
    /// Bytes a match can start with (start positions with another byte are skipped), or nil
    /// when a match can start anywhere (the pattern can match the empty string, or starts with
    /// `.`).
    private let firstBytes: (UInt64, UInt64)?
    /// The pattern starts with `^` (or `\A`) outside multiline mode: only position 0 can start a match.
    private let anchored: Bool

    /// Programs (after expanding counted repetition) larger than this go to ICU.
    static let maxProgram = 4000
    /// Memo table bound (bits): 2 MiB, enough for the largest program over a 4096-byte field
    /// (MAMORI_ARGS_MAX). A longer text is matched over its first `maxMemoBits / program` bytes.
    static let maxMemoBits = 1 << 24

    init?(pattern: String, caseInsensitive: Bool, multiline: Bool, dotAll: Bool) {
        var chars = Array(pattern.utf8)
        var ignoreCase = caseInsensitive
        if chars.starts(with: Array("(?i)".utf8)) { ignoreCase = true; chars.removeFirst(4) }
        var parser = Parser(chars, ignoreCase: ignoreCase, multiline: multiline)
        guard let node = parser.parseAlternation(), parser.i == chars.count else { return nil }
        var compiler = Compiler()
        compiler.emit(node)
        compiler.program.append(.match)
        guard compiler.program.count <= FastRegex.maxProgram else { return nil }
        program = compiler.program
        sets = parser.sets
        wide = parser.wide
        self.dotAll = dotAll
        firstBytes = FastRegex.firstBytes(compiler.program, parser.sets, parser.wide)
        if case .assert(.textStart) = compiler.program[0] { anchored = true } else { anchored = false }
    }

    /// The union of the bytes the instructions reachable from the start without consuming
    /// input accept; nil when `.`, a set with non-ASCII members, a non-ASCII byte or the match
    /// itself is reachable that way (the table is ASCII-only).
    private static func firstBytes(_ program: [Inst], _ sets: [(UInt64, UInt64)], _ wide: [Bool]) -> (UInt64, UInt64)? {
        var result = (UInt64(0), UInt64(0))
        var seen = Set<Int>()
        var work = [0]
        while let pc = work.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch program[pc] {
            case .byte(let b):
                if b >= 0x80 { return nil }
                Parser.add(b, &result)
            case .set(let s):
                if wide[s] { return nil }
                result = (result.0 | sets[s].0, result.1 | sets[s].1)
            case .any, .match: return nil
            case .assert: work.append(pc + 1)   // zero-width: the first byte comes after it
            case .jump(let t): work.append(t)
            case .split(let a, let b): work.append(a); work.append(b)
            }
        }
        return result
    }

    /// Reusable buffers of one thread's matches.
    struct Scratch {
        var memo: [UInt64] = []
        var stack: [(pc: Int, pos: Int)] = []
        /// (instruction, position) states the last match explored: at most program × (text + 1).
        var steps = 0
    }

    var programCount: Int { program.count }

    /// Whether the pattern matches anywhere in `text` (UTF-8; invalid sequences are matched
    /// byte by byte as non-ASCII characters). Always linear in program × text size.
    func matches(_ full: Span<UInt8>, scratch: inout Scratch) -> Bool {
        let text = full.count + 1 > FastRegex.maxMemoBits / program.count
            ? full.extracting(0..<(FastRegex.maxMemoBits / program.count - 1)) : full
        let n = text.count
        let width = n + 1
        let bits = program.count * width
        let words = (bits + 63) >> 6
        if scratch.memo.count < words { scratch.memo = [UInt64](repeating: 0, count: words) }
        for w in 0..<words { scratch.memo[w] = 0 }
        scratch.stack.removeAll(keepingCapacity: true)
        scratch.steps = 0
        for start in 0...(anchored ? 0 : n) {
            if let first = firstBytes {
                guard start < n, FastRegex.contains(first, text[start]) else { continue }
            } else if start < n, text[start] & 0xC0 == 0x80, start > 0, text[start - 1] >= 0x80 {
                continue   // inside a UTF-8 character
            }
            scratch.stack.append((0, start))
            while let (pc0, pos0) = scratch.stack.popLast() {
                var pc = pc0, pos = pos0
                while true {
                    let bit = pc * width + pos
                    if scratch.memo[bit >> 6] & (1 << UInt64(bit & 63)) != 0 { break }
                    scratch.memo[bit >> 6] |= 1 << UInt64(bit & 63)
                    scratch.steps &+= 1
                    switch program[pc] {
                    case .match:
                        return true
                    case .byte(let b):
                        guard pos < n, text[pos] == b else { break }
                        pc += 1; pos += 1; continue
                    case .set(let s):
                        guard pos < n else { break }
                        let b = text[pos]
                        if b >= 0x80 {
                            guard wide[s] else { break }
                            pc += 1; pos = FastRegex.characterEnd(text, pos); continue
                        }
                        guard FastRegex.contains(sets[s], b) else { break }
                        pc += 1; pos += 1; continue
                    case .any:
                        guard pos < n else { break }
                        let b = text[pos]
                        if b >= 0x80 { pc += 1; pos = FastRegex.characterEnd(text, pos); continue }
                        guard dotAll || !FastRegex.isTerminator(b) else { break }
                        pc += 1; pos += 1; continue
                    case .jump(let target):
                        pc = target; continue
                    case .split(let first, let second):
                        scratch.stack.append((second, pos))
                        pc = first; continue
                    case .assert(let kind):
                        guard FastRegex.holds(kind, text, pos) else { break }
                        pc += 1; continue
                    }
                    break
                }
            }
        }
        return false
    }

    /// The position after the UTF-8 character whose lead byte (>= 0x80) is at `pos`: its
    /// continuation bytes, as many as the lead byte announces and are present (a stray
    /// continuation byte or a truncated sequence is one character of the bytes there are).
    @inline(__always)
    private static func characterEnd(_ t: Span<UInt8>, _ pos: Int) -> Int {
        let lead = t[pos]
        let extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0
        var end = pos + 1
        while end < t.count, end <= pos + extra, t[end] & 0xC0 == 0x80 { end += 1 }
        return end
    }

    @inline(__always)
    private static func contains(_ set: (UInt64, UInt64), _ b: UInt8) -> Bool {
        b < 64 ? set.0 & (1 << UInt64(b)) != 0 : b < 128 && set.1 & (1 << UInt64(b - 64)) != 0
    }

    @inline(__always)
    private static func isTerminator(_ b: UInt8) -> Bool { b >= 0x0A && b <= 0x0D }

    private static func isWord(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x5f
    }

    private static func holds(_ kind: Assertion, _ t: Span<UInt8>, _ pos: Int) -> Bool {
        let n = t.count
        switch kind {
        case .textStart: return pos == 0
        case .textEnd: return pos == n
        case .textEndOrFinalNewline:
            if pos == n { return true }
            if pos == n - 1 { return isTerminator(t[pos]) }
            return pos == n - 2 && t[pos] == 0x0D && t[pos + 1] == 0x0A
        case .lineStart:
            if pos == 0 { return true }
            if pos == n { return false }   // not after the final line terminator
            let prev = t[pos - 1]
            return isTerminator(prev) && !(prev == 0x0D && t[pos] == 0x0A)
        case .lineEnd:
            if pos == n { return true }
            return isTerminator(t[pos]) && !(t[pos] == 0x0A && pos > 0 && t[pos - 1] == 0x0D)
        case .wordBoundary, .notWordBoundary:
            let before = pos > 0 && isWord(t[pos - 1])
            let after = pos < n && isWord(t[pos])
            return (before != after) == (kind == .wordBoundary)
        }
    }
}
