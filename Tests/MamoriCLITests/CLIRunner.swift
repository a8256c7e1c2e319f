import MamoriTestSupport
import Foundation
import Glibc

/// Runs the built `mamori` binary the way an operator does and captures what it says.
///
/// Exists so the CLI tests judge the shipped command — arguments, help, exit status, stdout,
/// stderr — and not the Swift types behind it. Used from one test thread at a time.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    /// `.build/<config>/mamori`, next to the test bundle.
    static var binary: String { BuiltProduct.path("mamori") }

    /// Runs `mamori args…` with a clean MAMORI_SOCKET and waits (bounded) for it to finish.
    static func run(_ args: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["MAMORI_SOCKET"] = nil
        env["COLUMNS"] = "200"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        // Files, not pipes: a chatty command can never block on a full pipe.
        let base = NSTemporaryDirectory() + "mamori-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        FileManager.default.createFile(atPath: base + ".out", contents: nil)
        FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".out"))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".err"))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(5_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let outData = FileManager.default.contents(atPath: base + ".out") ?? Data()
        let errData = FileManager.default.contents(atPath: base + ".err") ?? Data()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The subcommand names listed under SUBCOMMANDS in `mamori [path…] --help`.
    static func subcommands(of path: [String]) throws -> [String] {
        let help = try run(path + ["--help"]).stdout
        guard let start = help.range(of: "SUBCOMMANDS:") else { return [] }
        var names: [String] = []
        for line in help[start.upperBound...].split(separator: "\n") {
            // Entries are indented by two spaces; continuation lines by many more.
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            let name = line.dropFirst(2).split(separator: " ").first.map(String.init) ?? ""
            if !name.isEmpty, name != "See", name != "help" { names.append(name) }
        }
        return names
    }

    /// Every command path: ["agent"], ["level"], ["level", "set"], ...
    static func commandTree() throws -> [[String]] {
        var out: [[String]] = []
        var pending: [[String]] = try subcommands(of: []).map { [$0] }
        while let path = pending.first {
            pending.removeFirst()
            out.append(path)
            pending += try subcommands(of: path).map { path + [$0] }
        }
        return out
    }

    /// Parses stdout as one JSON value (object or array).
    static func json(_ r: Result) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
    }
}
