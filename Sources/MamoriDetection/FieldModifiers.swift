/// The modifier chain of one detection key (`CommandLine|base64offset|contains`), validated.
///
/// Exists so that every unsupported or conflicting modifier is rejected at load time with the
/// column of the modifier itself. Build-time only; any thread.
struct FieldModifiers: Equatable {
    enum Transform: String, Equatable {
        case base64, base64offset, windash, utf16le, utf16be, utf16
    }

    enum Match: Equatable {
        case equals, contains, startswith, endswith, regex, cidr, exists, fieldref
        case compare(Pattern.Kind)
    }

    var transforms: [Transform] = []
    var match: Match = .equals
    /// With `fieldref`: the shape applied to the referenced value.
    var fieldrefShape: Match = .equals
    var all = false
    var cased = false
    var regexCaseInsensitive = false
    var regexMultiline = false
    var regexDotAll = false

    static let supported = "contains, startswith, endswith, all, re (with i, m, s), cidr, base64, base64offset, utf16le, utf16be, utf16, wide, windash, exists, lt, lte, gt, gte, cased, fieldref"

    /// Parses the modifiers after the field name. `positionOf(i)` locates modifier `i`.
    init(_ names: [Substring], positionOf: (Int) -> SourcePosition) throws(RuleIssue) {
        var shapeSet = false
        for (i, raw) in names.enumerated() {
            let name = raw.lowercased()
            let at = positionOf(i)
            func setMatch(_ m: Match) throws(RuleIssue) {
                if match == .fieldref, [.contains, .startswith, .endswith].contains(m) {
                    fieldrefShape = m
                    return
                }
                if m == .fieldref, [.contains, .startswith, .endswith].contains(match) {
                    fieldrefShape = match
                    match = .fieldref
                    return
                }
                guard !shapeSet else {
                    throw RuleIssue(at, "modifier '\(name)' cannot be combined with '\(FieldModifiers.word(match))'")
                }
                shapeSet = true
                match = m
            }
            switch name {
            case "contains": try setMatch(.contains)
            case "startswith": try setMatch(.startswith)
            case "endswith": try setMatch(.endswith)
            case "re": try setMatch(.regex)
            case "cidr": try setMatch(.cidr)
            case "exists": try setMatch(.exists)
            case "fieldref": try setMatch(.fieldref)
            case "lt": try setMatch(.compare(.numberLess))
            case "lte": try setMatch(.compare(.numberLessOrEqual))
            case "gt": try setMatch(.compare(.numberGreater))
            case "gte": try setMatch(.compare(.numberGreaterOrEqual))
            case "all": all = true
            case "cased": cased = true
            case "i", "ignorecase", "m", "multiline", "s", "dotall":
                guard match == .regex else {
                    throw RuleIssue(at, "modifier '\(name)' is a sub-modifier of 're' and must follow it")
                }
                switch name.first {
                case "i": regexCaseInsensitive = true
                case "m": regexMultiline = true
                default: regexDotAll = true
                }
            case "base64": transforms.append(.base64)
            case "base64offset": transforms.append(.base64offset)
            case "windash": transforms.append(.windash)
            case "utf16le", "wide": transforms.append(.utf16le)
            case "utf16be": transforms.append(.utf16be)
            case "utf16": transforms.append(.utf16)
            case "expand":
                throw RuleIssue(at, "modifier 'expand' needs placeholder values from a processing pipeline, which Mamori does not have; replace the %placeholder% with the values")
            default:
                throw RuleIssue(at, "unknown modifier '\(raw)'; supported: \(FieldModifiers.supported)")
            }
        }
        // UTF-16 encodings only make sense before a base64 encoding (event text is UTF-8).
        for (i, t) in transforms.enumerated() where [.utf16le, .utf16be, .utf16].contains(t) {
            guard transforms[(i + 1)...].contains(where: { $0 == .base64 || $0 == .base64offset }) else {
                let index = names.firstIndex { ["utf16le", "wide", "utf16be", "utf16"].contains($0.lowercased()) } ?? 0
                throw RuleIssue(positionOf(index), "modifier '\(t.rawValue)' must be followed by 'base64' or 'base64offset' (event text is UTF-8)")
            }
        }
        if !transforms.isEmpty, ![.equals, .contains, .startswith, .endswith].contains(match) {
            let index = names.firstIndex { FieldModifiers.Transform(rawValue: $0.lowercased()) != nil || $0.lowercased() == "wide" } ?? 0
            throw RuleIssue(positionOf(index), "modifier '\(transforms[0].rawValue)' cannot be combined with '\(FieldModifiers.word(match))'")
        }
    }

    /// Whether values are encoded (then matched case-sensitively: base64 text is case-sensitive).
    var encodes: Bool { transforms.contains { $0 == .base64 || $0 == .base64offset } }

    static func word(_ m: Match) -> String {
        switch m {
        case .equals: return "(none)"
        case .contains: return "contains"
        case .startswith: return "startswith"
        case .endswith: return "endswith"
        case .regex: return "re"
        case .cidr: return "cidr"
        case .exists: return "exists"
        case .fieldref: return "fieldref"
        case .compare(let k):
            switch k {
            case .numberLess: return "lt"
            case .numberLessOrEqual: return "lte"
            case .numberGreater: return "gt"
            default: return "gte"
            }
        }
    }
}
