/// A problem in a prevention policy, with the place it was found.
///
/// Exists so that a typo in /etc/mamori/config.yaml reads `config.yaml:14:5: egress_deny[1].ports:
/// ...` and the agent keeps its previous good policy. An immutable value; any thread.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    /// The position in MamoriText's one diagnostic shape.
    public var location: TextLocation { TextLocation(file: file, line: line, column: column) }

    public var description: String { location.diagnostic(message) }
}

import MamoriText
import Foundation
