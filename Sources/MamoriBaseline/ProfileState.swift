/// Where a profile is in its life: learning what the unit does, stable (nothing new for the
/// quiet period: deviations alert), or enforced (its proposed lockdown is in force: nothing
/// is learned any more).
///
/// Exists so the state is explicit, persisted and shown, never inferred. Any thread.
public enum ProfileState: String, Sendable, CaseIterable, Codable {
    case learning, stable, enforced
}

/// The kinds of behaviour a profile holds, each with its own cap. Any thread.
public enum ProfileCategory: String, Sendable, CaseIterable, Codable {
    /// Executables run (path and identity: device and inode).
    case executable
    /// Parent executable → child executable exec edges.
    case edge
    /// argv shapes (the store's command-shape normalisation).
    case argv
    /// Outbound destinations: network prefix, transport and port.
    case destination
    /// Listening ports.
    case listen
    /// File paths written, collapsed into patterns.
    case file
    /// Real uids.
    case user
}
