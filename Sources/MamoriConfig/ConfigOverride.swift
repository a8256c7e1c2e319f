import Yams

/// `-o key.path=value` from the command line, typed by the schema: `-o sensor.file_events=false`,
/// `-o sensor.watch_files=/a,/b` (or `[/a, /b]`), `-o exports.otlp.headers.Authorization=Bearer x`.
/// Errors are reported as `-o:N:C` (the N-th override, column C of its text). Any thread.
enum ConfigOverride {
    /// The overlay tree for one override, or what is wrong with it.
    static func node(for text: String, index: Int) -> Result<ConfigNode, ConfigDiagnostic> {
        let keyLocation = ConfigLocation(file: "-o", line: index, column: 1)
        guard let eq = text.firstIndex(of: "=") else {
            return .failure(ConfigDiagnostic(keyLocation, "", "'\(text)' is not key.path=value"))
        }
        let path = String(text[..<eq])
        let value = String(text[text.index(after: eq)...])
        let valueLocation = ConfigLocation(file: "-o", line: index, column: path.count + 2)
        if path == ConfigSchema.preventionKey || path.hasPrefix(ConfigSchema.preventionKey + ".") {
            return .failure(ConfigDiagnostic(keyLocation, path,
                "the prevention section cannot be set with -o; put it in a drop-in file (docs/prevention.md)"))
        }
        let leaf: ConfigNode
        var fieldPath = path
        if let field = ConfigSchema.byPath[path] {
            switch overlayValue(value, kind: field.kind, at: valueLocation) {
            case .success(let node): leaf = node
            case .failure(let d): return .failure(ConfigDiagnostic(d.location, path, d.message))
            }
        } else if let mapField = ConfigSchema.fields.first(where: { $0.kind.isMap && path.hasPrefix($0.path + ".") }) {
            // One entry of a map (headers): merged into the map like a drop-in would be.
            let name = String(path.dropFirst(mapField.path.count + 1))
            leaf = .mapping([ConfigEntry(key: name, keyLocation: keyLocation, value: scalar(value, valueLocation))],
                            keyLocation)
            fieldPath = mapField.path
        } else if ConfigSchema.sections.contains(path) || path.isEmpty {
            let keys = ConfigSchema.children(of: path).joined(separator: ", ")
            return .failure(ConfigDiagnostic(keyLocation, path, "is a section; set one of its keys: \(keys)"))
        } else {
            return .failure(ConfigDiagnostic(keyLocation, path, ConfigValidator.unknownKeyMessage(path)))
        }
        var node = leaf
        for part in fieldPath.split(separator: ".").reversed() {
            node = .mapping([ConfigEntry(key: String(part), keyLocation: keyLocation, value: node)], keyLocation)
        }
        return .success(node)
    }

    private static func overlayValue(_ value: String, kind: ConfigValueKind,
                                     at location: ConfigLocation) -> Result<ConfigNode, ConfigDiagnostic> {
        if kind.isList && !value.hasPrefix("[") {
            let items = value.split(separator: ",").map { scalar(String($0.trimmingSpaces), location) }
            return .success(.sequence(items, location))
        }
        if kind.isList || kind.isMap {
            do {
                guard let parsed = try Yams.compose(yaml: value) else { return .success(.sequence([], location)) }
                var diagnostics: [ConfigDiagnostic] = []
                let node = ConfigNode.from(parsed, file: "-o", diagnostics: &diagnostics)
                return .success(relocated(node, to: location))
            } catch {
                return .failure(ConfigDiagnostic(location, "", "expected \(kind.expectation) in YAML flow style"))
            }
        }
        return .success(scalar(value, location))
    }

    private static func scalar(_ text: String, _ location: ConfigLocation) -> ConfigNode {
        .scalar(ConfigScalar(text: text, isNull: false, isQuoted: true, location: location))
    }

    /// Flow values parsed on their own: point every node at the override's value column.
    private static func relocated(_ node: ConfigNode, to location: ConfigLocation) -> ConfigNode {
        switch node {
        case .scalar(var s): s.location = location; return .scalar(s)
        case .sequence(let items, _): return .sequence(items.map { relocated($0, to: location) }, location)
        case .mapping(let entries, _):
            return .mapping(entries.map { ConfigEntry(key: $0.key, keyLocation: location,
                                                      value: relocated($0.value, to: location)) }, location)
        }
    }
}
