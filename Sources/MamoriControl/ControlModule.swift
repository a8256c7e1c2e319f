/// Namespace of the local control channel: constants shared by `ControlServer`, `ControlClient`
/// and the CLI (docs/control.md). Immutable; any thread.
public enum ControlModule {
    /// The only protocol version spoken: every line carries `"v":1`.
    public static let protocolVersion = 1
    /// Where the agent listens unless configured otherwise.
    public static let defaultSocketPath = "/run/mamori/control.sock"
    /// Environment variable that overrides the socket path for the CLI (`--socket` wins over it).
    public static let socketEnvironmentVariable = "MAMORI_SOCKET"
    /// Group whose members may use read-only requests, when it exists on the host.
    public static let defaultReadGroup = "mamori"

    /// The socket path the CLI should use: `--socket`, then `$MAMORI_SOCKET`, then the default.
    public static func socketPath(option: String?, environment: [String: String]) -> String {
        if let option, !option.isEmpty { return option }
        if let env = environment[socketEnvironmentVariable], !env.isEmpty { return env }
        return defaultSocketPath
    }
}
