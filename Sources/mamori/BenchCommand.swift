import ArgumentParser
import Foundation
import Glibc

/// `mamori bench …`: runs the separately built benchmark helper, `mamori-bench`, with the same
/// arguments (docs/benchmarks.md).
///
/// Exists so operators keep one command while the daemon binary carries none of the benchmark
/// harness: the helper is found next to this binary (a build tree), else in <prefix>/lib/mamori
/// (`make install`, the .deb), and replaces this process (execv), so its output and exit status
/// are the command's own.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Mamori's overhead: workloads under baseline, floor and sensor modes.",
        discussion: """
            Runs the mamori-bench helper (next to this binary in a build tree, else
            <prefix>/lib/mamori/mamori-bench); `mamori bench --help` prints its options.
            """,
        helpNames: [])

    @Argument(parsing: .captureForPassthrough, help: "Arguments for mamori-bench (see `mamori bench --help`).")
    var arguments: [String] = []

    func run() throws {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let candidates = Self.candidates(executable: exe)
        guard let helper = candidates.first(where: { access($0, X_OK) == 0 }) else {
            throw CLIError("mamori-bench not found (looked in \(candidates.joined(separator: ", "))): "
                + "`swift build` or `make bench` builds it, `make install` installs it")
        }
        let argv = [helper] + arguments
        var cArgs = argv.map { strdup($0) }
        cArgs.append(nil)
        execv(helper, &cArgs)
        throw CLIError("cannot run \(helper): \(String(cString: strerror(errno)))")
    }

    /// Where the helper may be, in order: beside this binary (.build/<config>/), then the
    /// library directory of the prefix this binary was installed under (<prefix>/sbin/mamori →
    /// <prefix>/lib/mamori/), then the two standard prefixes.
    static func candidates(executable: String) -> [String] {
        let directory = (executable as NSString).deletingLastPathComponent
        let prefix = (directory as NSString).deletingLastPathComponent
        var out = [directory + "/mamori-bench", prefix + "/lib/mamori/mamori-bench"]
        for p in ["/usr/lib/mamori/mamori-bench", "/usr/local/lib/mamori/mamori-bench"] where !out.contains(p) { out.append(p) }
        return out
    }
}
