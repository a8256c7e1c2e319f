/// Where in an operator's file a value or problem is: the file (or `-o` for a command-line
/// override) and a 1-based line and column, printed `file:line:column` — the one positional
/// shape of every YAML diagnostic (configuration, rules, prevention policy), so an editor or
/// `grep -n` jumps to it the same way whichever file is wrong.
///
/// Exists because three YAML readers printed positions each their own way. Lines and columns
/// are counted as the YAML parser (Yams) counts them. An immutable value; any thread.
public struct TextLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file; self.line = line; self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// `file:line:column: message`, the diagnostic line every YAML reader prints.
    public func diagnostic(_ message: String) -> String { "\(self): \(message)" }
}
