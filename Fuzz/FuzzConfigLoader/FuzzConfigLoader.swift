import Foundation
import FuzzSupport
import MamoriConfig

// Fuzzes the configuration loader: the input is a config.yaml; lines after a line `#-o` are
// `-o key=value` overrides. Any input must load to a validated configuration or a
// `ConfigError` naming file:line, never trap.

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    FuzzSeeds.emitIfAsked(FuzzSeeds.text([
        ("overrides", "agent:\n  fail_mode: closed\n#-o\nexports.prometheus.listen=127.0.0.1:9464\ncontrol.read_group=adm\n"),
        ("flow", "{sensor: {ring_mb: 8}, detection: {rules_dir: /etc/mamori/rules}, control: {read_group: ''}}\n"),
        ("anchors", "a: &x {b: 1}\nc: *x\n<<: *x\n"),
    ]))
    return 0
}

private let configPath = fuzzScratchDirectory + "/config.yaml"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    let parts = text.components(separatedBy: "\n#-o\n")
    FileManager.default.createFile(atPath: configPath, contents: Data(parts[0].utf8))
    let overrides = parts.count > 1 ? parts[1].split(separator: "\n").map(String.init) : []
    let sources = ConfigSources(file: configPath, fileRequired: true, dropInDirectory: fuzzScratchDirectory + "/none",
                                overrides: overrides)
    switch ConfigLoader.load(sources) {
    case .success(let loaded): _ = String(describing: loaded)
    case .failure(let error): _ = String(describing: error)
    }
    _ = ConfigLoader.parse(yaml: text, file: "inline.yaml")
    return 0
}
