import Glibc
import MamoriPrevention
import Testing

/// Issue 13.8: an incident id reaches the freezer from the control socket; it must name one
/// directory under the freezer's parent, never a path (`../system.slice` froze every service).
@Suite struct IncidentIdValidationTests {
    @Test(arguments: ["../system.slice", "..", ".", "a/b", "", "inc 1", "inc\n1", "é", String(repeating: "a", count: 129)])
    func pathsAndOddBytesAreRejected(_ id: String) {
        #expect(throws: CgroupFreezer.FreezeError.badIncidentId(id)) { try CgroupFreezer.validate(id) }
    }

    @Test(arguments: ["inc-1", "5f0c2a7e-1b2c-4d3e-8f90-a1b2c3d4e5f6", "A_b-9"])
    func incidentIdsAreAccepted(_ id: String) throws {
        try CgroupFreezer.validate(id)
    }

    /// Every entry point checks, not only `freeze`: thaw/kill/remove of `../system.slice` throw
    /// before any cgroup file is written.
    @Test func everyEntryPointValidates() throws {
        // A scratch directory as the "mount": nothing outside it can be touched by this test.
        let scratch = "/tmp/mamori-incident-id-\(getpid())"
        #expect(mkdir(scratch, 0o700) == 0 || errno == EEXIST)
        defer { rmdir(scratch) }
        let responder = Responder(protection: ProtectionList(PreventionPolicy().protected, agentPid: 1), dryRun: true)
        let freezer = try #require(CgroupFreezer(responder: responder, mountPoint: scratch))
        let bad = "../system.slice"
        #expect(throws: CgroupFreezer.FreezeError.badIncidentId(bad)) { try freezer.thaw(incidentId: bad) }
        #expect(throws: CgroupFreezer.FreezeError.badIncidentId(bad)) { _ = try freezer.killFrozen(incidentId: bad) }
        #expect(throws: CgroupFreezer.FreezeError.badIncidentId(bad)) { try freezer.remove(incidentId: bad) }
        #expect(freezer.members(incidentId: bad).isEmpty)
    }
}
