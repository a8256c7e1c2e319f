import MamoriDetection

/// The kinds of new behaviour a profile can see, each with its severity: the scoring table of
/// docs/baseline.md. Any thread.
public enum NoveltyKind: String, Sendable, CaseIterable {
    /// A shell, interpreter or downloader the profile never ran, under a service.
    case riskyExecutable = "shell-under-service"
    case executable = "new-executable"
    /// A known path with another dev/inode than learned (replaced binary).
    case executableReplaced = "executable-replaced"
    case edge = "new-exec-edge"
    case argv = "new-argv-shape"
    case destination = "new-destination"
    case listen = "new-listening-port"
    case file = "new-file-pattern"
    case user = "new-user"
    /// A category reached its cap while learning (notice).
    case profileFull = "profile-full"

    public var level: RuleLevel {
        switch self {
        case .riskyExecutable: return .high
        case .executable, .executableReplaced, .destination, .listen, .user: return .medium
        case .edge, .argv, .file, .profileFull: return .low
        }
    }

    public var category: ProfileCategory {
        switch self {
        case .riskyExecutable, .executable, .executableReplaced: return .executable
        case .edge: return .edge
        case .argv: return .argv
        case .destination: return .destination
        case .listen: return .listen
        case .file: return .file
        case .user: return .user
        case .profileFull: return .executable
        }
    }
}

/// One new thing seen in one event: its kind, its category and its stored key/detail/text.
/// Built only when something is new (allocates). Any thread.
public struct Novelty: Sendable, Equatable {
    public var kind: NoveltyKind
    public var category: ProfileCategory
    /// Canonical key text as stored in `baseline_items.key`.
    public var key: String
    public var detail: String?
    /// How the alert says it: "executable /bin/sh (dev 8:1, inode 1234)".
    public var text: String
}

/// A deviation to alert: the profile, the event's novelties (most severe first), what the
/// profile holds in that category, and whether it was learned. Handed by the engine to the
/// pipeline, which raises it as a rule hit through triage. Any thread.
public struct Deviation: Sendable {
    public var profile: String
    public var state: ProfileState
    public var novelties: [Novelty]
    /// The top novelty's kind and the rule it raises.
    public var kind: NoveltyKind
    public var rule: RuleMetadata
    /// A bounded sample of the profile's entries in the top novelty's category.
    public var holds: [String]
    public var categoryFull: Bool
    public var learned: Bool

    public var level: RuleLevel { kind.level }
}
