import Foundation
import FuzzSupport
import MamoriPrevention

// Fuzzes the readers of the files the agent keeps under /var/lib/mamori: state.json (level
// state, read at start) and a quarantine manifest (read by `quarantine list`/restore), plus the
// prevention policy file. A corrupt file must yield the safe default or a precise error; a
// state that loads must survive the agent's later uses of it (tick, status lines, re-save).

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    FuzzSeeds.emitIfAsked(StateSeeds.all)
    return 0
}

private let statePath = fuzzScratchDirectory + "/state.json"
private let quarantineDir = fuzzScratchDirectory + "/quarantine"
private let defaultPolicy = (try? PolicyParser.parse(yaml: "", file: "fuzz")) ?? PreventionPolicy()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(fuzzInput(data, size))
    // state.json
    FileManager.default.createFile(atPath: statePath, contents: bytes)
    let store = LevelStore(path: statePath)
    var loaded = store.load()
    _ = loaded.problem
    for now in [0.0, 1.7e9, 4.1e9, Double(Int64.max)] {
        _ = loaded.state.tick(now: now)
        _ = LevelSummary.lines(state: loaded.state, policy: defaultPolicy, nowUnix: now)
    }
    try? store.save(loaded.state)
    // a quarantine manifest
    try? FileManager.default.createDirectory(atPath: quarantineDir, withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: quarantineDir + "/fuzz.json", contents: bytes)
    for entry in Quarantine(directory: quarantineDir).list() { _ = entry.id }
    // the prevention policy file
    if let text = String(data: bytes, encoding: .utf8), let policy = try? PolicyParser.parse(yaml: text, file: "fuzz.yaml") {
        _ = LevelSummary.lines(state: LevelState(), policy: policy, nowUnix: 1.7e9)
    }
    return 0
}
