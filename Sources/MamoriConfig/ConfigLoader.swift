import Yams

/// Loads the configuration: embedded default → main file → drop-ins (lexical order) → `-o`
/// overrides, merged (maps key by key; scalars and lists replaced) and then validated as a
/// whole. Returns every problem at once; never crashes on bad input, and never returns a
/// partial configuration: on failure the caller keeps what it had (reload semantics).
/// Stateless; any thread.
public enum ConfigLoader {
    /// The file name used in diagnostics for the embedded default.
    public static let builtinName = "(built-in default)"

    public static func load(_ sources: ConfigSources) -> Result<LoadedConfiguration, ConfigError> {
        var diagnostics: [ConfigDiagnostic] = []
        var tree = layer(yaml: DefaultConfiguration.yaml, file: builtinName, diagnostics: &diagnostics).tree
        var prevention = PreventionSection.empty
        var files: [String] = []

        var paths: [String] = []
        switch ConfigFiles.read(sources.file) {
        case .success: paths.append(sources.file)
        case .failure(.missing) where !sources.fileRequired: break
        case .failure(let e):
            diagnostics.append(ConfigDiagnostic(ConfigLocation(file: sources.file, line: 1, column: 1), "", e.description))
        }
        if let dir = sources.dropInDirectory {
            switch ConfigFiles.list(directory: dir, suffix: ".yaml") {
            case .success(let names): paths += names.map { dir + "/" + $0 }
            case .failure(.missing): break
            case .failure(let e):
                diagnostics.append(ConfigDiagnostic(ConfigLocation(file: dir, line: 1, column: 1), "", e.description))
            }
        }
        for path in paths {
            switch ConfigFiles.read(path) {
            case .success(let text):
                let l = layer(yaml: text, file: path, diagnostics: &diagnostics)
                tree = tree.merged(with: l.tree)
                if let p = l.prevention { prevention = p }
                files.append(path)
            case .failure(let e):
                diagnostics.append(ConfigDiagnostic(ConfigLocation(file: path, line: 1, column: 1), "", e.description))
            }
        }
        for (i, text) in sources.overrides.enumerated() {
            switch ConfigOverride.node(for: text, index: i + 1) {
            case .success(let node): tree = tree.merged(with: node)
            case .failure(let d): diagnostics.append(d)
            }
        }

        var validator = ConfigValidator()
        validator.validate(tree)
        diagnostics += validator.diagnostics
        guard diagnostics.isEmpty else { return .failure(ConfigError(inReadingOrder(diagnostics, files: paths))) }
        var configuration = validator.configuration
        configuration.prevention = prevention
        return .success(LoadedConfiguration(configuration: configuration, files: files, sources: sources))
    }

    /// File by file in the order they were applied (overrides last), then by position.
    static func inReadingOrder(_ diagnostics: [ConfigDiagnostic], files: [String]) -> [ConfigDiagnostic] {
        func rank(_ file: String) -> Int {
            if file == builtinName { return -1 }
            if file == "-o" { return files.count + 1 }
            return files.firstIndex(of: file) ?? files.count
        }
        return diagnostics.enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            return (rank(x.file), x.line, x.column, a.offset) < (rank(y.file), y.line, y.column, b.offset)
        }.map(\.element)
    }

    /// One YAML text over the embedded default (tests, `mamori config check` of a single file).
    public static func parse(yaml: String, file: String) -> Result<MamoriConfiguration, ConfigError> {
        var diagnostics: [ConfigDiagnostic] = []
        let base = layer(yaml: DefaultConfiguration.yaml, file: builtinName, diagnostics: &diagnostics).tree
        let top = layer(yaml: yaml, file: file, diagnostics: &diagnostics)
        var validator = ConfigValidator()
        validator.validate(base.merged(with: top.tree))
        diagnostics += validator.diagnostics
        guard diagnostics.isEmpty else { return .failure(ConfigError(inReadingOrder(diagnostics, files: [file]))) }
        var configuration = validator.configuration
        if let p = top.prevention { configuration.prevention = p }
        return .success(configuration)
    }

    /// One file's tree with its `prevention` section cut out (kept raw). A syntax error makes
    /// the layer empty and adds a diagnostic with the parser's position.
    static func layer(yaml: String, file: String,
                      diagnostics: inout [ConfigDiagnostic]) -> (tree: ConfigNode, prevention: PreventionSection?) {
        let empty = ConfigNode.scalar(ConfigScalar(text: "", isNull: true, isQuoted: false,
                                                   location: ConfigLocation(file: file, line: 1, column: 1)))
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            diagnostics.append(syntaxDiagnostic(error, file: file))
            return (empty, nil)
        } catch {
            diagnostics.append(ConfigDiagnostic(ConfigLocation(file: file, line: 1, column: 1), "", "\(error)"))
            return (empty, nil)
        }
        guard let root else { return (empty, nil) }
        var tree = ConfigNode.from(root, file: file, diagnostics: &diagnostics)
        var prevention: PreventionSection?
        if case .mapping(var entries, let location) = tree,
           let i = entries.firstIndex(where: { $0.key == ConfigSchema.preventionKey }) {
            if file != builtinName, case .mapping(let mapping) = root {
                let pairs = Array(mapping)
                if let j = pairs.lastIndex(where: { $0.key.scalar?.string == ConfigSchema.preventionKey }) {
                    let next = j + 1 < pairs.count ? pairs[j + 1].key.mark?.line : nil
                    let value = entries[i].value
                    prevention = value.isNull ? PreventionSection(file: file, lineOffset: 0, text: "")
                        : PreventionSection.extract(from: yaml, file: file, valueLine: value.location.line,
                                                    valueColumn: value.location.column, endLine: next)
                }
            }
            entries.remove(at: i)
            tree = .mapping(entries, location)
        }
        return (tree, prevention)
    }

    private static func syntaxDiagnostic(_ error: YamlError, file: String) -> ConfigDiagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return ConfigDiagnostic(ConfigLocation(file: file, line: mark.line, column: mark.column), "",
                                    "YAML syntax error: \(problem)")
        case .reader(let problem, _, _, _):
            return ConfigDiagnostic(ConfigLocation(file: file, line: 1, column: 1), "", "cannot read YAML: \(problem)")
        default:
            return ConfigDiagnostic(ConfigLocation(file: file, line: 1, column: 1), "", "YAML error: \(error)")
        }
    }
}
