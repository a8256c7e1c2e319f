import Testing
import MamoriDetection
import MamoriEvents
import MamoriProcess

/// `mamori: sequence:`: order, window, lineage keys and captured values.
@Suite struct SequenceTests {
    static let s = Fixture.second

    static let dropAndRun = """
        title: Downloaded file made executable and run
        id: drop-chmod-exec
        level: high
        tags: [attack.execution, attack.t1105]
        mamori:
            response: kill
            confidence: high
            sequence:
                window: 60s
                by: lineage
                steps:
                    - title: downloader writes a file
                      category: file_event
                      detection:
                          sel:
                              Image|endswith: [/curl, /wget]
                          condition: sel
                      capture: {path: TargetFilename}
                    - title: the file is made executable
                      category: file_event
                      detection:
                          sel:
                              FileOperation: chmod
                              FileExecutable: 'true'
                          condition: sel
                      match: {TargetFilename: path}
                    - title: the file is executed
                      category: process_creation
                      detection:
                          sel:
                              Image|exists: true
                          condition: sel
                      match: {Image: path}
        """

    // An SSH login shell (session leader 60) with two children, and another login (70).
    let shell = Fixture.record(pid: 60, "/bin/bash", ["-bash"], ppid: 1, session: 60)
    let otherShell = Fixture.record(pid: 70, "/bin/bash", ["-bash"], ppid: 1, session: 70)
    func child(_ pid: UInt32, _ exe: String, of parent: ProcessRecord) -> ProcessRecord {
        Fixture.record(pid: pid, exe, ppid: parent.pid, session: parent.sessionId)
    }

    private func run(_ h: Harness, steps: [(SensorEvent, ProcessRecord, ProcessRecord)]) -> [RuleHit] {
        var hits: [RuleHit] = []
        for (event, process, parent) in steps {
            hits += h.hits(event, process: process, parent: parent, ancestry: [parent])
        }
        return hits
    }

    private func write(_ path: String, by parent: ProcessRecord, at t: UInt64) -> (SensorEvent, ProcessRecord, ProcessRecord) {
        (Fixture.file(.create, path, pid: 101, ts: t * Self.s), child(101, "/usr/bin/curl", of: parent), parent)
    }
    private func chmod(_ path: String, by parent: ProcessRecord, at t: UInt64, mode: UInt32 = 0o755) -> (SensorEvent, ProcessRecord, ProcessRecord) {
        (Fixture.file(.chmod, path, mode: mode, pid: 102, ts: t * Self.s), child(102, "/usr/bin/chmod", of: parent), parent)
    }
    private func exec(_ path: String, by parent: ProcessRecord, at t: UInt64) -> (SensorEvent, ProcessRecord, ProcessRecord) {
        (Fixture.exec(path, [path], pid: 103, ppid: parent.pid, ts: t * Self.s, session: parent.sessionId), child(103, path, of: parent), parent)
    }

    @Test func stepsInOrderFire() {
        let h = Harness(Self.dropAndRun)
        #expect(h.errors.isEmpty, "\(h.errors)")
        let hits = run(h, steps: [write("/tmp/x", by: shell, at: 1), chmod("/tmp/x", by: shell, at: 2), exec("/tmp/x", by: shell, at: 3)])
        #expect(hits.map(\.id) == ["drop-chmod-exec"])
        let hit = hits[0]
        #expect(hit.kind == .sequence)
        #expect(hit.response == .kill)
        #expect(hit.confidence == .high)
        #expect(hit.contributing.map(\.step) == [0, 1, 2])
        #expect(hit.contributing.map(\.process.pid) == [101, 102, 103])
        #expect(hit.contributing.map(\.category) == [.fileEvent, .fileEvent, .processCreation])
        #expect(hit.groupKey == .lineage(shell.key))
        #expect(hit.rule.attack.techniques == ["T1105"])
        #expect(hit.rule.attack.tacticIds == ["TA0002"])
    }

    /// Issue 13.12: 9,000 fresh lineages each starting the chain (more than the per-rule key
    /// cap) must not wipe a chain already two steps in: the download→chmod→exec rule is not
    /// evaded by a flood between chmod and exec.
    @Test func aFloodOfFreshKeysDoesNotResetAChainInProgress() {
        let h = Harness(Self.dropAndRun)
        #expect(run(h, steps: [write("/tmp/x", by: shell, at: 1), chmod("/tmp/x", by: shell, at: 2)]).isEmpty)
        for i in 0..<9_000 {
            let leader = Fixture.record(pid: UInt32(20_000 + i), "/bin/bash", ["-bash"], ppid: 1, session: UInt32(20_000 + i))
            _ = run(h, steps: [write("/tmp/f\(i)", by: leader, at: 3)])
        }
        #expect(run(h, steps: [exec("/tmp/x", by: shell, at: 4)]).map(\.id) == ["drop-chmod-exec"])
    }

    @Test func outOfOrderDoesNotFire() {
        let h = Harness(Self.dropAndRun)
        #expect(run(h, steps: [chmod("/tmp/x", by: shell, at: 1), write("/tmp/x", by: shell, at: 2), exec("/tmp/x", by: shell, at: 3)]).isEmpty)
        let h2 = Harness(Self.dropAndRun)
        #expect(run(h2, steps: [write("/tmp/x", by: shell, at: 1), exec("/tmp/x", by: shell, at: 2), chmod("/tmp/x", by: shell, at: 3)]).isEmpty)
    }

    @Test func differentLineageDoesNotFire() {
        let h = Harness(Self.dropAndRun)
        #expect(run(h, steps: [write("/tmp/x", by: shell, at: 1), chmod("/tmp/x", by: otherShell, at: 2), exec("/tmp/x", by: shell, at: 3)]).isEmpty)
    }

    @Test func capturedValueMismatchDoesNotFire() {
        let h = Harness(Self.dropAndRun)
        #expect(run(h, steps: [write("/tmp/x", by: shell, at: 1), chmod("/tmp/y", by: shell, at: 2), exec("/tmp/y", by: shell, at: 3)]).isEmpty)
        let h2 = Harness(Self.dropAndRun)
        #expect(run(h2, steps: [write("/tmp/x", by: shell, at: 1), chmod("/tmp/x", by: shell, at: 2), exec("/tmp/X", by: shell, at: 3)]).isEmpty)
        // A non-executable chmod is not step 2.
        let h3 = Harness(Self.dropAndRun)
        #expect(run(h3, steps: [write("/tmp/x", by: shell, at: 1), chmod("/tmp/x", by: shell, at: 2, mode: 0o600), exec("/tmp/x", by: shell, at: 3)]).isEmpty)
    }

    @Test func windowIsMeasuredFromTheFirstStep() {
        let h = Harness(Self.dropAndRun)
        #expect(run(h, steps: [write("/tmp/x", by: shell, at: 1), chmod("/tmp/x", by: shell, at: 30), exec("/tmp/x", by: shell, at: 62)]).isEmpty)
        let h2 = Harness(Self.dropAndRun)
        #expect(run(h2, steps: [write("/tmp/x", by: shell, at: 1), chmod("/tmp/x", by: shell, at: 30), exec("/tmp/x", by: shell, at: 61)]).count == 1)
    }

    @Test func interleavedChainsAreTrackedSeparately() {
        let h = Harness(Self.dropAndRun)
        let hits = run(h, steps: [write("/tmp/a", by: shell, at: 1), write("/tmp/b", by: shell, at: 2),
                                  chmod("/tmp/b", by: shell, at: 3), exec("/tmp/b", by: shell, at: 4),
                                  chmod("/tmp/a", by: shell, at: 5), exec("/tmp/a", by: shell, at: 6)])
        #expect(hits.count == 2)
        #expect(h.engine.pendingState.sequencePartials == 0)
    }

    @Test func lineageRootIsTheNearestSessionLeaderOrServiceMainProcess() {
        let rule = """
            title: two execs
            id: two
            mamori:
                sequence:
                    window: 10s
                    by: lineage
                    steps:
                        - {category: process_creation, detection: {a: {Image|endswith: /whoami}, condition: a}}
                        - {category: process_creation, detection: {b: {Image|endswith: /id}, condition: b}}
            """
        let h = Harness(rule)
        #expect(h.errors.isEmpty, "\(h.errors)")
        // nginx (service main process, parent pid 1) → worker → sh → whoami / id.
        let nginx = Fixture.record(pid: 40, "/usr/sbin/nginx", ppid: 1, session: 40, unit: "nginx.service")
        let worker = Fixture.record(pid: 41, "/usr/sbin/nginx", ppid: 40, session: 40, unit: "nginx.service")
        let sh1 = Fixture.record(pid: 42, "/bin/sh", ppid: 41, session: 40, unit: "nginx.service")
        let sh2 = Fixture.record(pid: 43, "/bin/sh", ppid: 41, session: 40, unit: "nginx.service")
        _ = h.hits(Fixture.exec("/usr/bin/whoami", [], pid: 44, ppid: 42, ts: 1 * Self.s),
                   process: Fixture.record(pid: 44, "/usr/bin/whoami", ppid: 42, session: 40, unit: "nginx.service"),
                   parent: sh1, ancestry: [sh1, worker, nginx])
        let hits = h.hits(Fixture.exec("/usr/bin/id", [], pid: 45, ppid: 43, ts: 2 * Self.s),
                          process: Fixture.record(pid: 45, "/usr/bin/id", ppid: 43, session: 40, unit: "nginx.service"),
                          parent: sh2, ancestry: [sh2, worker, nginx])
        #expect(hits.first?.groupKey == .lineage(nginx.key))
    }
}
