import ArgumentParser
import Foundation
import MamoriAgent
import MamoriDetection
import MamoriEvents
import MamoriInvestigation
import MamoriStore

/// `mamori rules test DIR --events FILE | --since 24h`: replay recorded events through rules.
struct RulesTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Replay recorded events through the rules in DIR and report what would fire.",
        discussion: """
            Sources: --events FILE (ECS JSON lines, as written by `mamori watch --json`) or
            --since DURATION (events in the agent's store). Reconstruction is lossy where the
            record is: arguments are split on spaces and only the parent is known as ancestry.
            Examples:
              mamori rules test rules/ --since 24h
              mamori watch --json > /tmp/ev.json; mamori rules test rules/ --events /tmp/ev.json
            Exit status: 0 (also when rules fire), 1 when the rules or the source cannot be read.
            """)

    @Argument(help: "Directory of rule files.")
    var directory: String

    @Option(name: .long, help: "ECS JSON lines file to replay.")
    var events: String?

    @Option(name: .long, help: "Replay the store's events since this long ago (30m, 24h, 7d) or since an RFC 3339 time.")
    var since: String?

    @Option(name: .long, help: "The agent's store.")
    var db: String = StoreLocation.defaultDatabase

    @Flag(name: .long, help: "One JSON object per rule that fired.")
    var json = false

    func validate() throws {
        if (events == nil) == (since == nil) { throw ValidationError("pass exactly one of --events FILE or --since DURATION") }
    }

    func run() throws {
        let report = RuleLoader.load(directory: directory)
        for d in report.diagnostics { StandardError.write("\(d)\n") }
        if report.ruleSet.rules.isEmpty { throw CLIError("no rules loaded from \(directory)") }
        var engine = DetectionEngine(rules: report.ruleSet)
        var replayed = 0, skipped = 0
        var fired: [String: (title: String, count: Int, example: String)] = [:]
        func replay(_ r: ReplayEvent) {
            replayed += 1
            let hits = engine.evaluate(r.event, process: r.process, parent: r.parent, ancestry: r.parent.map { [$0] } ?? [])
            for h in hits {
                let example = "pid \(r.process.pid) \(r.process.executable) \(r.process.commandLine)"
                let old = fired[h.id]
                fired[h.id] = (h.title, (old?.count ?? 0) + 1, old?.example ?? example)
            }
        }
        if let events {
            guard let text = try? String(contentsOfFile: events, encoding: .utf8) else { throw CLIError("cannot read \(events)") }
            for line in text.split(separator: "\n") {
                guard let r = ECSReplay.parse(line) else { skipped += 1; continue }
                replay(r)
            }
        } else if let since {
            let sinceNs: Int64
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            do { sinceNs = try TimeExpression.parse(since, nowUnixNs: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)) } catch { throw CLIError("--since: \(error)") }
            let store = try StoreLocation.openReadOnly(db)
            let rows = try store.events(filter: MamoriStore.EventFilter(since: sinceNs, limit: 1_000_000))
            var processes: [String: ProcessRow?] = [:]
            func process(_ id: String?) -> ProcessRow? {
                guard let id else { return nil }
                if let p = processes[id] { return p }
                let p = try? store.process(entityId: id)
                processes[id] = p
                return p ?? nil
            }
            for row in rows {
                guard let r = ReplayEvent(row: row, process: process(row.entityId), parent: process(row.parentEntityId)) else {
                    skipped += 1; continue
                }
                replay(r)
            }
        }
        let sorted = fired.sorted { $0.value.count > $1.value.count }
        if json {
            for (id, v) in sorted {
                let obj: [String: Any] = ["rule_id": id, "rule_name": v.title, "count": v.count, "example": v.example]
                let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
        } else {
            for (id, v) in sorted { print("\(String(v.count).padded(7)) \(v.title) [\(id)]\n        e.g. \(v.example)") }
            print("replayed \(replayed) events (\(skipped) not replayable: fork/exit/gap or unparsable), \(report.ruleSet.rules.count) rules, \(sorted.count) fired")
        }
    }
}

/// ECS JSON line (from `mamori watch --json`) → replayable event.
enum ECSReplay {
    static func parse(_ line: Substring) -> ReplayEvent? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        func dict(_ o: [String: Any]?, _ k: String) -> [String: Any]? { o?[k] as? [String: Any] }
        let event = dict(obj, "event"), process = dict(obj, "process"), parent = dict(process, "parent")
        var f = ReplayEvent.Fields()
        f.action = event?["action"] as? String ?? ""
        f.pid = UInt32(process?["pid"] as? Int ?? 0)
        f.ppid = UInt32(parent?["pid"] as? Int ?? 0)
        f.uid = UInt32((dict(obj, "user")?["id"] as? String).flatMap { UInt32($0) } ?? 0)
        f.executable = process?["executable"] as? String ?? ""
        f.args = process?["args"] as? [String] ?? []
        f.cwd = process?["working_directory"] as? String ?? ""
        f.parentExecutable = parent?["executable"] as? String ?? ""
        f.parentArgs = parent?["args"] as? [String] ?? []
        let file = dict(obj, "file")
        // A rename is written as ECS does: file.path the new name, file.Ext.original.path the old.
        if let original = dict(dict(file, "Ext"), "original")?["path"] as? String {
            f.path = original
            f.targetPath = file?["path"] as? String
        } else {
            f.path = file?["path"] as? String
            f.targetPath = file?["target_path"] as? String  // lines from before the ECS fix
        }
        let src = dict(obj, "source"), dst = dict(obj, "destination")
        // ECS puts the initiator in source: for accept that is the remote peer.
        let (local, remote) = f.action == "accept" ? (dst, src) : (src, dst)
        f.localIP = local?["ip"] as? String
        f.localPort = UInt16(local?["port"] as? Int ?? 0)
        f.remoteIP = remote?["ip"] as? String
        f.remotePort = UInt16(remote?["port"] as? Int ?? 0)
        f.transport = dict(obj, "network")?["transport"] as? String
        let mamori = dict(obj, "mamori")
        f.unit = mamori?["unit"] as? String
        f.result = Int32(mamori?["result"] as? Int ?? 0)
        let stdio = dict(mamori, "stdio")
        f.stdin = fileType(stdio?["stdin"] as? String)
        f.stdout = fileType(stdio?["stdout"] as? String)
        return ReplayEvent(f)
    }

    static func fileType(_ word: String?) -> FileType {
        switch word {
        case "socket": return .socket
        case "pipe": return .fifo
        case "tty": return .characterDevice
        case "file": return .regular
        default: return .closed
        }
    }
}
