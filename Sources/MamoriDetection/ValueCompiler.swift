import Yams

/// Compiles one detection value (with its field's modifiers) into pattern specs.
///
/// Exists to keep Sigma's value semantics in one place: wildcards, transforms, match-type
/// wrapping, case folding, and the typed shortcuts (integer equality on numeric fields, byte
/// comparison for exact IP addresses). Build-time only; any thread.
enum ValueCompiler {
    /// The alternatives (OR) one value expands to.
    static func compile(_ node: Node, field: RuleField, modifiers m: FieldModifiers,
                        category: RuleCategory, strict: Bool) throws(RuleIssue) -> [PatternSpec] {
        let at = YAMLNodes.textPosition(node)
        if YAMLNodes.isNull(node) { return [.null] }
        let text = try YAMLNodes.string(node, "a field value")
        let kind = field.kind
        switch m.match {
        case .exists:
            switch text.lowercased() {
            case "true", "yes": return [.exists(true)]
            case "false", "no": return [.exists(false)]
            default: throw RuleIssue(at, "'exists' takes true or false (got '\(text)')")
            }
        case .compare(let op):
            if kind == .unavailable { return [.never] }
            guard kind == .number else {
                throw RuleIssue(at, "'\(FieldModifiers.word(m.match))' needs a numeric field; '\(field.name)' is text")
            }
            guard let n = Int64(text.trimmingSpaces) else {
                throw RuleIssue(at, "'\(FieldModifiers.word(m.match))' needs an integer (got '\(text)')")
            }
            return [.number(op, n)]
        case .cidr:
            if kind == .unavailable { return [.never] }
            guard kind == .ip else {
                throw RuleIssue(at, "'cidr' needs an IP address field such as DestinationIp; '\(field.name)' is not one")
            }
            guard let network = IPNetwork(text.trimmingSpaces) else {
                throw RuleIssue(at, "invalid network '\(text)' for 'cidr' (expected e.g. 10.0.0.0/8 or fe80::/10)")
            }
            return [.network(network)]
        case .regex:
            if kind == .unavailable { return [.never] }
            do {
                return [.regex(try RegexMatcher(pattern: text, caseInsensitive: m.regexCaseInsensitive,
                                                multiline: m.regexMultiline, dotAll: m.regexDotAll))]
            } catch {
                throw RuleIssue(at, "invalid regular expression '\(text)': \(error)")
            }
        case .fieldref:
            if kind == .unavailable { return [.never] }
            let other: RuleField
            switch RuleField.resolve(text.trimmingSpaces, in: category) {
            case .success(let f): other = f
            case .failure(let e): throw RuleIssue(at, "fieldref: " + e.message)
            }
            guard other.kind == .text || other.kind == .number || other.kind == .ip else {
                throw RuleIssue(at, "fieldref: field '\(other.name)' cannot be compared")
            }
            let op: Pattern.Kind
            switch m.fieldrefShape {
            case .contains: op = .fieldContains
            case .startswith: op = .fieldPrefix
            case .endswith: op = .fieldSuffix
            default: op = .fieldEquals
            }
            return [.fieldRef(op, other, cased: m.cased)]
        case .equals, .contains, .startswith, .endswith:
            break
        }
        if kind == .unavailable { return [.never] }

        // Typed shortcuts for plain values.
        if m.transforms.isEmpty && m.match == .equals && !m.cased {
            if kind == .number, let n = UInt64(text), !text.hasPrefix("+") {
                return [.number(.numberEquals, Int64(clamping: n))]
            }
            if kind == .ip, let network = IPNetwork(text), !text.contains("/") {
                return [.network(network)]
            }
        }

        var values = [SigmaString(wildcarded: text)]
        for transform in m.transforms {
            var next: [SigmaString] = []
            for value in values {
                if transform == .windash {
                    next.append(contentsOf: ValueTransforms.windash(value))
                    continue
                }
                guard let bytes = value.literalBytes else {
                    throw RuleIssue(at, "modifier '\(transform.rawValue)' cannot encode a value that contains wildcards ('\(text)')")
                }
                switch transform {
                case .base64: next.append(SigmaString(literal: ValueTransforms.base64(bytes)))
                case .base64offset:
                    next.append(contentsOf: ValueTransforms.base64Offsets(bytes).map(SigmaString.init(literal:)))
                case .utf16le: next.append(SigmaString(literal: ValueTransforms.utf16LE(bytes)))
                case .utf16be: next.append(SigmaString(literal: ValueTransforms.utf16BE(bytes)))
                case .utf16: next.append(SigmaString(literal: ValueTransforms.utf16BOM(bytes)))
                case .windash: break
                }
            }
            values = next
        }
        let cased = m.cased || m.encodes
        var specs: [PatternSpec] = []
        var seen: [TextShape] = []
        for value in values {
            var v: SigmaString
            switch m.match {
            case .contains: v = value.wrapped(leading: true, trailing: true)
            case .startswith: v = value.wrapped(leading: false, trailing: true)
            case .endswith: v = value.wrapped(leading: true, trailing: false)
            default: v = value
            }
            if field == .keywords && m.match == .equals { v = v.wrapped(leading: true, trailing: true) }
            if !cased { v = v.folded() }
            let shape = v.shape
            if seen.contains(shape) { continue }
            seen.append(shape)
            specs.append(.text(shape, cased: cased))
        }
        return specs
    }
}
