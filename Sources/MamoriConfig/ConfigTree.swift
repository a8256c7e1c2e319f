import Yams

/// The configuration as a YAML tree whose every node remembers its file, line and column, so
/// layers (embedded default, main file, drop-ins, overrides) can be merged and still report
/// errors at the right place. Build-time only; any thread.
indirect enum ConfigNode {
    case mapping([ConfigEntry], ConfigLocation)
    case sequence([ConfigNode], ConfigLocation)
    case scalar(ConfigScalar)

    var location: ConfigLocation {
        switch self {
        case .mapping(_, let l), .sequence(_, let l): return l
        case .scalar(let s): return s.location
        }
    }

    var isNull: Bool {
        if case .scalar(let s) = self { return s.isNull }
        return false
    }

    /// A later layer over an earlier one: mappings merge key by key, everything else (scalars,
    /// lists) replaces. An empty (null) value over a mapping keeps the mapping.
    func merged(with overlay: ConfigNode) -> ConfigNode {
        guard case .mapping(var entries, let location) = self else { return overlay }
        if overlay.isNull { return self }
        guard case .mapping(let newer, _) = overlay else { return overlay }
        for entry in newer {
            if let i = entries.firstIndex(where: { $0.key == entry.key }) {
                entries[i] = ConfigEntry(key: entry.key, keyLocation: entry.keyLocation,
                                         value: entries[i].value.merged(with: entry.value))
            } else {
                entries.append(entry)
            }
        }
        return .mapping(entries, location)
    }
}

/// One key of a mapping with the position of the key itself (unknown-key errors point there).
struct ConfigEntry {
    var key: String
    var keyLocation: ConfigLocation
    var value: ConfigNode
}

/// A scalar's text, whether YAML resolves it to null, and whether it was quoted (a quoted
/// "true" is a string, not a bool).
struct ConfigScalar {
    var text: String
    var isNull: Bool
    var isQuoted: Bool
    var location: ConfigLocation
}

extension ConfigNode {
    /// Converts a Yams tree read from `file`; duplicate keys are reported, the later one kept.
    static func from(_ node: Node, file: String, lineOffset: Int = 0,
                     diagnostics: inout [ConfigDiagnostic]) -> ConfigNode {
        let location = ConfigLocation(file: file, line: (node.mark?.line ?? 1) + lineOffset,
                                      column: node.mark?.column ?? 1)
        switch node {
        case .scalar(let s):
            let quoted = s.style != .plain && s.style != .any
            return .scalar(ConfigScalar(text: s.string, isNull: !quoted && ["", "~", "null", "Null", "NULL"].contains(s.string),
                                        isQuoted: quoted, location: location))
        case .sequence(let seq):
            return .sequence(seq.map { from($0, file: file, lineOffset: lineOffset, diagnostics: &diagnostics) },
                             location)
        case .mapping(let map):
            var entries: [ConfigEntry] = []
            for (keyNode, value) in map {
                let keyLocation = ConfigLocation(file: file, line: (keyNode.mark?.line ?? 1) + lineOffset,
                                                 column: keyNode.mark?.column ?? 1)
                guard case .scalar(let k) = keyNode else {
                    diagnostics.append(ConfigDiagnostic(keyLocation, "", "keys must be plain names"))
                    continue
                }
                let child = from(value, file: file, lineOffset: lineOffset, diagnostics: &diagnostics)
                if let i = entries.firstIndex(where: { $0.key == k.string }) {
                    diagnostics.append(ConfigDiagnostic(keyLocation, k.string,
                        "duplicate key (first set at line \(entries[i].keyLocation.line))"))
                    entries[i].value = child
                } else {
                    entries.append(ConfigEntry(key: k.string, keyLocation: keyLocation, value: child))
                }
            }
            return .mapping(entries, location)
        }
    }
}
