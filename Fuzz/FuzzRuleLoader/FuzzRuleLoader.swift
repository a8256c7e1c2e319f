import FuzzSupport
import MamoriDetection
import MamoriEvents
import MamoriProcess

// Fuzzes YAML → Sigma/Mamori rule → compiled matchers (conditions, modifiers, wildcards,
// regexes, thresholds, sequences): any text must load to rules or to diagnostics, never trap;
// whatever compiles is then evaluated against a few events whose strings come from the input.

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    FuzzSeeds.emitIfAsked(RuleSeeds.all)
    return 0
}

private let header = EventHeader(kind: 1, version: 1, size: 0, ktimeNs: 10_000_000_000, tgid: 100, tid: 100,
                                  startBoottimeNs: 5_000_000_000)
private let subject = Subject(ppid: 50, uid: 1000, gid: 1000, euid: 1000, cgroupId: 1, comm: "bash")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    let report = RuleLoader.load(sources: [RuleSource(name: "fuzz.yml", text: text, origin: .mamori)])
    for d in report.diagnostics { _ = d.description }
    guard report.ruleSet.count > 0 else { return 0 }
    var engine = DetectionEngine(rules: report.ruleSet, configuration: .init(userNames: { _ in "root" }, stdio: { _ in nil }))
    // Strings for the events: the input's own words, so matchers see what the rule names.
    let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "'" || $0 == "\"" }).prefix(8).map(String.init)
    let exe = words.first(where: { $0.hasPrefix("/") }) ?? "/usr/bin/bash"
    let exec = SensorEvent.exec(ExecEvent(header: header, subject: subject, parentStartBoottimeNs: 1_000_000_000,
                                          executable: exe, args: [exe] + words, cwd: "/tmp", exeInode: 1, exeDevice: 1,
                                          flags: [], egid: 1000, loginUid: 1000, sessionId: 50, tty: nil))
    let file = SensorEvent.file(FileEvent(header: header, subject: subject, op: .create, result: 0, flags: [], openFlags: 0,
                                          mode: 0o755, ownerUid: nil, ownerGid: nil, inode: 1, device: 1,
                                          path: words.last ?? "/tmp/x", targetPath: words.dropFirst().first))
    let net = SensorEvent.network(NetworkEvent(header: header, subject: subject, op: .connect, family: .inet, proto: 6,
                                               socketType: 1, result: 0,
                                               source: IPAddress(family: .inet, bytes: [10, 0, 0, 2]), sourcePort: 40000,
                                               destination: IPAddress(family: .inet, bytes: [10, 0, 0, 1]), destinationPort: 4444))
    for event in [exec, file, net, exec, file] {
        for hit in engine.evaluate(event, process: nil, parent: nil, ancestry: []) { _ = hit.id }
    }
    return 0
}
