import Foundation
import MamoriEvents
import MamoriProcess
import Testing
@testable import MamoriOutput

/// Tamper records (`SensorEvent.tamper`): ECS categorisation, the sender as `process.*`, and
/// `mamori.tamper.*`.
@Suite struct ECSTamperEventTests {
    private func line(_ event: SensorEvent) throws -> ParsedLine {
        var encoder = Fixture.encoder()
        return try ParsedLine(encoder.encodeLine(event, process: Fixture.record(), parent: Fixture.parentRecord()))
    }

    func tamper(_ kind: TamperKind, _ value: Int32, objectId: UInt64 = 0) -> TamperEvent {
        TamperEvent(header: Fixture.header(.tamper), subject: Fixture.subject(comm: "kill"), kind: kind, value: value,
                    targetTgid: kind == .bpfDetach ? 0 : 555, targetPid: kind == .bpfDetach ? 0 : 556,
                    code: 0, result: 0, objectId: objectId)
    }

    @Test func signalNamesSenderAndTarget() throws {
        let parsed = try line(.tamper(tamper(.signal, 9)))
        #expect(parsed.strings("event.category") == ["intrusion_detection"])
        #expect(parsed.strings("event.type") == ["indicator"])
        #expect(parsed.string("event.action") == "tamper-signal")
        #expect(parsed.string("mamori.kind") == "tamper")
        #expect(parsed.int("process.pid") == 1234, "the sender is the process")
        #expect(parsed.string("mamori.tamper.kind") == "tamper-signal")
        #expect(parsed.string("mamori.tamper.request") == "SIGKILL")
        #expect(parsed.int("mamori.tamper.signal") == 9)
        #expect(parsed.int("mamori.tamper.target_pid") == 555)
        #expect(parsed.int("mamori.tamper.target_tid") == 556)
        #expect(parsed.int("mamori.tamper.si_code") == 0)
        #expect(!parsed.has("mamori.tamper.link_id"))
    }

    @Test func bpfDetachCarriesTheLinkId() throws {
        let parsed = try line(.tamper(tamper(.bpfDetach, 34, objectId: 42)))
        #expect(parsed.string("event.action") == "tamper-bpf-detach")
        #expect(parsed.string("mamori.tamper.request") == "BPF_LINK_DETACH")
        #expect(parsed.string("mamori.tamper.link_id") == "42")
        #expect(!parsed.has("mamori.tamper.signal") && !parsed.has("mamori.tamper.target_pid"))
    }

    @Test func textLine() {
        let formatter = TextFormatter(clock: Fixture.encoder().clock)
        let text = formatter.format(.tamper(tamper(.ptrace, 0x4206)))
        #expect(text.contains("tamper"))
        #expect(text.contains("ptrace PTRACE_SEIZE -> agent 555"))
    }
}
