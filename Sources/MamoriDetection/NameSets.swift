/// Hash lookups for tests that list many executable names or exact values
/// (`Image|endswith: [/curl, /wget, ... 40 more]`, `AncestorImage|endswith: [...]`).
///
/// Exists because such lists, common in filters, otherwise cost one comparison per value (per
/// ancestor): a value's base name is hashed once and only the values stored under that hash are
/// compared. Built with the category's tables, then immutable; any thread may read it.
struct NameSets: Sendable {
    /// Per test: index into `sets`, or -1.
    var testSet: [Int32] = []
    /// Per set: base-name (or whole-value) hash → pattern indices to verify.
    var sets: [[UInt64: [Int32]]] = []

    /// Lists shorter than this are compared one by one.
    static let minimumValues = 6

    init() {}

    init(_ tables: MatchTables) {
        testSet = [Int32](repeating: -1, count: tables.tests.count)
        for (t, test) in tables.tests.enumerated()
        where (test.field.kind == .text || test.field.kind == .ancestors) && !test.matchAll
            && Int(test.patternCount) >= NameSets.minimumValues {
            var set: [UInt64: [Int32]] = [:]
            var usable = true
            for k in Int(test.patternStart)..<Int(test.patternStart + test.patternCount) {
                let p = tables.patterns[k]
                let bytes = Array(tables.pool[Int(p.start)..<Int(p.start + p.count)])
                var key: [UInt8] = []
                switch p.kind {
                case .suffix where !p.cased && bytes.first == UInt8(ascii: "/") && bytes.dropFirst().firstIndex(of: UInt8(ascii: "/")) == nil:
                    key = Array(bytes.dropFirst())
                case .exact where !p.cased:
                    key = NameSets.baseName(bytes)
                default:
                    usable = false
                }
                if !usable { break }
                set[NameSets.hash(key), default: []].append(Int32(k))
            }
            if usable {
                testSet[t] = Int32(sets.count)
                sets.append(set)
            }
        }
    }

    static func hash(_ bytes: [UInt8]) -> UInt64 { ImageName.hash(bytes.span, from: 0) }

    static func baseName(_ bytes: [UInt8]) -> [UInt8] {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return bytes }
        return Array(bytes[(slash + 1)...])
    }
}
