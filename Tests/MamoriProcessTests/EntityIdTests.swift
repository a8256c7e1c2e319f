import MamoriEvents
import Testing
@testable import MamoriProcess

@Suite("Entity ids")
struct EntityIdTests {
    @Test func fnv1a128KnownVectors() {
        func digest(_ s: String) -> String {
            var h = FNV1a128()
            for b in s.utf8 { h.add(b) }
            return h.hex
        }
        #expect(digest("") == "6c62272e07bb014262b821756295c58d")
        #expect(digest("a") == "d228cb696f1a8caf78912b704e4a8964")
        #expect(digest("foobar") == "343e1662793c64bf6f0d3597ba446f18")
    }

    @Test func formulaIsPinned() {
        // FNV-1a-128("3168acb7-...-0f0d" ‖ 0x00 ‖ le32(1234) ‖ le64(5678)), base64url, no padding.
        let ids = EntityIdGenerator(bootId: "3168acb7-064d-4031-a9df-80c59d770f0d")
        #expect(ids.entityId(for: ProcessKey(pid: 1234, startTicks: 5678)) == "_0hroiMevWwgmnDqRYXHRw")
    }

    @Test func sameInputsSameIdDifferentInputsDifferentIds() {
        let ids = Fixture.ids
        let a = ids.entityId(for: ProcessKey(pid: 42, startTicks: 100))
        #expect(a == ids.entityId(for: ProcessKey(pid: 42, startTicks: 100)))
        #expect(a == EntityIdGenerator(bootId: Fixture.bootId).entityId(for: ProcessKey(pid: 42, startTicks: 100)))
        #expect(a.utf8.count == 22)
        #expect(a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(a != ids.entityId(for: ProcessKey(pid: 42, startTicks: 101)), "pid reuse: new start, new id")
        #expect(a != ids.entityId(for: ProcessKey(pid: 43, startTicks: 100)))
        let otherBoot = EntityIdGenerator(bootId: "00000000-0000-0000-0000-000000000000")
        #expect(a != otherBoot.entityId(for: ProcessKey(pid: 42, startTicks: 100)), "another boot, another id")
    }

    @Test func bootIdIsNormalised() {
        let raw = EntityIdGenerator(bootId: "3168ACB7-064D-4031-A9DF-80C59D770F0D\n")
        #expect(raw.bootId == Fixture.bootId)
        #expect(raw == Fixture.ids)
    }

    @Test func manyIdsAreDistinct() {
        let ids = Fixture.ids
        var seen = Set<String>()
        for pid: UInt32 in 1...200 {
            for start: UInt64 in 0..<100 { seen.insert(ids.entityId(for: ProcessKey(pid: pid, startTicks: start))) }
        }
        #expect(seen.count == 20_000)
    }

    @Test func readsThisHostsBootId() {
        guard let id = EntityIdGenerator.readBootId() else { return }   // no procfs: nothing to check
        #expect(id.utf8.count == 36)
        #expect(EntityIdGenerator.forThisHost().bootId == id)
    }
}
