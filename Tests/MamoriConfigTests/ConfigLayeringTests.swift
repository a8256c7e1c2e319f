import Yams
@testable import MamoriConfig
import Testing

@Suite struct ConfigLayeringTests {
    @Test func dropInsMergeMapsAndReplaceListsInLexicalOrder() throws {
        let dir = TempConfigDir()
        dir.write("config.yaml", "sensor:\n  watch_files: [/etc/a, /etc/b]\n  file_events: false\nexports:\n  syslog: {enabled: true, port: 1514}\n")
        dir.write("config.d/20-later.yaml", "exports:\n  syslog:\n    port: 2514\n")
        dir.write("config.d/10-first.yaml", "sensor:\n  watch_files: [/etc/c]\nexports:\n  syslog: {port: 9999, transport: tcp}\n")
        dir.write("config.d/notes.txt", "this: is ignored\n")
        dir.write("config.d/.hidden.yaml", "this: is ignored\n")
        let loaded = try ConfigLoader.load(ConfigSources(file: dir.mainFile)).get()
        let c = loaded.configuration
        #expect(loaded.files == [dir.mainFile, dir.dropIns + "/10-first.yaml", dir.dropIns + "/20-later.yaml"])
        #expect(c.sensor.watchFiles == ["/etc/c"], "lists are replaced, not appended")
        #expect(c.sensor.fileEvents == false, "keys of the main file survive drop-ins that do not name them")
        #expect(c.exports.syslog.enabled && c.exports.syslog.transport == .tcp && c.exports.syslog.port == 2514)
    }

    @Test func errorsNameTheDropInFileTheyCameFrom() {
        let dir = TempConfigDir()
        dir.write("config.yaml", "agent:\n  log_level: info\n")
        dir.write("config.d/50-bad.yaml", "\nagent:\n  log_level: verbose\n")
        dir.write("config.d/60-bad.yaml", "alerts: {keep: many}\n")
        guard case .failure(let e) = ConfigLoader.load(ConfigSources(file: dir.mainFile)) else {
            Issue.record("bad drop-ins must fail"); return
        }
        #expect(e.diagnostics.map(\.description) == [
            "\(dir.dropIns)/50-bad.yaml:3:14: agent.log_level: expected one of trace, debug, info, notice, warning, error, critical, found 'verbose'",
            "\(dir.dropIns)/60-bad.yaml:1:16: alerts.keep: expected an integer in 0...1000, found 'many'",
        ])
    }

    @Test func overridesAreTypedByTheSchemaAndApplyLast() throws {
        let dir = TempConfigDir()
        dir.write("config.yaml", "sensor: {file_events: true}\n")
        let c = try ConfigLoader.load(ConfigSources(file: dir.mainFile, overrides: [
            "sensor.file_events=false", "sensor.watch_files=/etc/x,/etc/y", "sensor.watch_directories=[]",
            "control.read_group=123", "exports.otlp.headers.Authorization=Bearer t=1", "alerts.rotate_bytes=1GiB",
        ])).get().configuration
        #expect(!c.sensor.fileEvents && c.sensor.watchFiles == ["/etc/x", "/etc/y"] && c.sensor.watchDirectories.isEmpty)
        #expect(c.control.readGroup == "123", "a string key keeps digits as text")
        #expect(c.exports.otlp.headers == ["Authorization": "Bearer t=1"])
        #expect(c.alerts.rotateBytes == 1 << 30)
    }

    @Test func badOverridesAreReportedWithTheirIndex() {
        let result = ConfigLoader.load(ConfigSources(file: "/nonexistent/config.yaml", overrides: [
            "sensor.file_events", "sensor.filevents=true", "sensor=1", "prevention.level=enforce", "store.enabled=perhaps",
        ]))
        guard case .failure(let e) = result else { Issue.record("must fail"); return }
        #expect(e.diagnostics.map(\.description) == [
            "-o:1:1: 'sensor.file_events' is not key.path=value",
            "-o:2:1: sensor.filevents: unknown key (did you mean 'sensor.file_events'?)",
            "-o:3:1: sensor: is a section; set one of its keys: file_events, network_events, report_failed_file_ops, priority_ring_size, bulk_ring_size, queue_capacity, uid_event_rate, uid_kernel_file_rate, watch_files, watch_directories",
            "-o:4:1: prevention.level: the prevention section cannot be set with -o; put it in a drop-in file (docs/prevention.md)",
            "-o:5:15: store.enabled: expected true or false, found 'perhaps'",
        ])
    }

    @Test func explicitConfigFileMustExistAndUnreadableInputsNeverCrash() {
        let dir = TempConfigDir()
        guard case .failure(let e) = ConfigLoader.load(.standard(configPath: dir.path + "/missing.yaml")) else {
            Issue.record("a named file must exist"); return
        }
        #expect(e.diagnostics.map(\.description) == ["\(dir.path)/missing.yaml:1:1: file not found"])
        dir.write("binary.yaml", String(decoding: [0xFF, 0xFE, 0x00, 0x41], as: UTF8.self))
        dir.write("tabs.yaml", "sensor:\n\tfile_events: true\n")
        for name in ["binary.yaml", "tabs.yaml"] {
            if case .success = ConfigLoader.load(.standard(configPath: dir.path + "/" + name)) {
                Issue.record("\(name) must be rejected")
            }
        }
        guard case .failure(let d) = ConfigLoader.load(.standard(configPath: dir.path)) else { Issue.record("dir"); return }
        #expect(d.diagnostics.first?.message == "is a directory")
    }

    @Test func preventionSectionIsKeptRawWithItsFileAndLineOffset() throws {
        let dir = TempConfigDir()
        dir.write("config.yaml", "agent: {watchdog: true}\nprevention: {level: monitor}\n")
        let dropIn = dir.write("config.d/90-prevention.yaml", """
            # enforcement for this host
            sensor:
              file_events: true
            prevention:
              level: enforce
              kill:
                - rule: reverse-shell
            agent:
              watchdog: false
            """)
        let c = try ConfigLoader.load(ConfigSources(file: dir.mainFile)).get().configuration
        #expect(c.prevention.file == dropIn, "the last file that sets the section wins, as a whole")
        #expect(!c.agent.watchdog, "keys after the section are still read")
        let node = try #require(c.prevention.node)
        #expect(node["level"]?.string == "enforce")
        #expect(node["monitor"] == nil)
        let killMark = try #require(node["kill"]?.mark)
        #expect(killMark.line + c.prevention.lineOffset == 7 && killMark.column == 5, "the list under kill: starts at 7:5 of the drop-in")
        #expect(!c.prevention.text.contains("watchdog"))
    }

    @Test func flowStylePreventionKeepsColumns() throws {
        let c = try ConfigLoader.parse(yaml: "prevention: {level: monitor}\n", file: "p.yaml").get()
        let node = try #require(c.prevention.node)
        #expect(node["level"]?.string == "monitor")
        let mark = try #require(node.mark)
        #expect(mark.line + c.prevention.lineOffset == 1 && mark.column == 13)
    }
}
