/// Walks a merged configuration tree against `ConfigSchema`: unknown keys (with a suggestion),
/// wrong shapes and types, out-of-range values and bad addresses all become diagnostics, and
/// every valid leaf is written into a `MamoriConfiguration`. Never stops at the first problem.
/// Build-time only; any thread.
struct ConfigValidator {
    private(set) var configuration = MamoriConfiguration()
    private(set) var diagnostics: [ConfigDiagnostic] = []
    /// Where each leaf's effective value was set (for checks that involve several keys).
    private var locations: [String: ConfigLocation] = [:]

    mutating func validate(_ root: ConfigNode) {
        walk(root, section: "")
        crossChecks()
    }

    private mutating func walk(_ node: ConfigNode, section: String) {
        if node.isNull { return }
        guard case .mapping(let entries, _) = node else {
            let what = section.isEmpty ? "the configuration" : "section '\(section)'"
            diagnostics.append(ConfigDiagnostic(node.location, section,
                "\(what) must be a mapping of keys to values, found a \(ConfigValueParser.shape(node))"))
            return
        }
        for entry in entries {
            let path = section.isEmpty ? entry.key : section + "." + entry.key
            if path == ConfigSchema.preventionKey { continue }  // raw, parsed by MamoriPrevention
            if let field = ConfigSchema.byPath[path] {
                switch ConfigValueParser.parse(entry.value, as: field.kind) {
                case .success(let value):
                    field.set(&configuration, value)
                    locations[path] = entry.value.location
                case .failure(let f): diagnostics.append(ConfigDiagnostic(f.location, path, f.message))
                }
            } else if ConfigSchema.sections.contains(path) {
                walk(entry.value, section: path)
            } else {
                diagnostics.append(ConfigDiagnostic(entry.keyLocation, path, Self.unknownKeyMessage(path)))
            }
        }
    }

    /// "unknown key" plus the closest sibling, or a key of the same name elsewhere.
    static func unknownKeyMessage(_ path: String) -> String {
        let parts = path.split(separator: ".").map(String.init)
        let name = parts.last ?? path
        let parent = parts.dropLast().joined(separator: ".")
        let siblings = ConfigSchema.children(of: parent)
        let prefix = parent.isEmpty ? "" : parent + "."
        if let near = Suggestion.closest(to: name, among: siblings) {
            return "unknown key (did you mean '\(prefix)\(near)'?)"
        }
        let all = ConfigSchema.fields.map(\.path) + ConfigSchema.sections.sorted()
        if let elsewhere = all.first(where: { $0.hasSuffix("." + name) }) {
            return "unknown key (did you mean '\(elsewhere)'?)"
        }
        let known = siblings.joined(separator: ", ")
        return parent.isEmpty && siblings.isEmpty ? "unknown key" : "unknown key; known here: \(known)"
    }

    /// Rules that involve more than one key.
    private mutating func crossChecks() {
        let c = configuration
        if c.exports.eventsJSON.enabled && c.exports.eventsJSON.path == c.alerts.path {
            let at = locations["exports.events_json.path"] ?? ConfigLocation(file: ConfigLoader.builtinName, line: 1, column: 1)
            diagnostics.append(ConfigDiagnostic(at, "exports.events_json.path", "must differ from alerts.path (\(c.alerts.path))"))
        }
    }
}
