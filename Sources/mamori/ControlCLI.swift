import MamoriText
import ArgumentParser
import Foundation
import MamoriControl

/// `--socket PATH` and `--timeout S`, shared by the commands that talk to the agent.
struct ControlOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Agent control socket (default: $MAMORI_SOCKET or /run/mamori/control.sock).", valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for the agent.", valueName: "seconds"))
    var timeout: Double = 30

    var socketPath: String {
        ControlModule.socketPath(option: socket, environment: ProcessInfo.processInfo.environment)
    }

    func validate() throws {
        if !(timeout > 0) { throw ValidationError("--timeout must be more than 0 seconds") }
    }
}

/// How the control commands call the agent and exit: errors go to stderr with the exit status
/// of docs/cli.md (1 failed, 2 bad request, 3 agent not running, 4 denied). Main thread.
enum ControlCLI {
    /// Sends `request` and returns the reply; on error prints it and exits with its status.
    /// `agentDown` runs first when the agent is not running (read-only commands print what the
    /// store knows there).
    static func call(_ options: ControlOptions, _ request: ControlRequest,
                     agentDown: () -> Void = {}) throws -> ControlReply {
        do {
            return try ControlClient(socketPath: options.socketPath, timeout: options.timeout).call(request)
        } catch {
            if case .agentNotRunning = error { agentDown() }
            throw fail(error)
        }
    }

    /// Prints `error` and returns the `ExitCode` to throw.
    static func fail(_ error: ControlClientError) -> ExitCode {
        QueryCLI.note(error.description)
        return ExitCode(error.exitStatus)
    }

    /// A usage error (exit 2) from an argument parser of `ControlArguments`.
    static func argument<T>(_ body: () throws(ControlArguments.Invalid) -> T) throws -> T {
        do { return try body() } catch { throw ValidationError(error.description) }
    }

    /// The reply was not the kind the request asks for (an agent/CLI version mismatch).
    static func unexpected(_ reply: ControlReply) -> ExitCode {
        QueryCLI.note("the agent answered '\(reply.kind)' unexpectedly: are the CLI and the agent the same version?")
        return ExitCode(ControlExitStatus.failed)
    }

    /// Prints one value as a JSON line.
    static func printJSON<T: Encodable>(_ value: T) {
        QueryCLI.write(ControlJSON.line(value) + "\n")
    }

    /// Names of the commands whose usage errors exit with status 2 (see `Mamori.main`).
    static let commandNames: Set<String> = ["level", "isolate", "quarantine", "response", "status", "reload"]

    /// True when the command line runs a control command (so a usage error exits 2, not 64).
    static func isControlInvocation(_ arguments: [String]) -> Bool {
        guard let first = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) else { return false }
        if commandNames.contains(first) { return true }
        return first == "alerts" && arguments.contains("--follow")
    }

    /// A unix time in seconds as local-free UTC text.
    static func time(unixSeconds: Int64) -> String {
        RFC3339.string(unixNanoseconds: unixSeconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue,
                       fractionDigits: 0)
    }

    /// A duration in seconds as `1d2h`, `35m`, `12s`.
    static func span(_ seconds: Int64) -> String {
        if seconds <= 0 { return "0s" }
        var left = seconds
        var parts: [String] = []
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where left >= size {
            parts.append("\(left / size)\(unit)")
            left %= size
            if parts.count == 2 { break }
        }
        return parts.joined()
    }
}
