import Testing
@testable import MamoriControl

/// The authorisation rule without sockets: root anything, read group read-only, others nothing.
@Suite struct ControlAuthorizerTests {
    let auth = ControlAuthorizer(readGroup: "mamori", socketPath: "/run/mamori/control.sock")
    let root = Peer(uid: 0, gid: 0, pid: 10)
    let member = Peer(uid: 1000, gid: 1000, pid: 11, groups: [27, 4242])
    let primaryMember = Peer(uid: 1001, gid: 4242, pid: 12)
    let stranger = Peer(uid: 65534, gid: 65534, pid: 13, groups: [65534])

    @Test func matrix() {
        for op in ControlOperation.allCases {
            #expect(auth.check(op, peer: root, readGroupID: 4242) == nil)
            #expect(auth.check(op, peer: root, readGroupID: nil) == nil)
            #expect((auth.check(op, peer: member, readGroupID: 4242) == nil) == op.isReadOnly, "\(op)")
            #expect((auth.check(op, peer: primaryMember, readGroupID: 4242) == nil) == op.isReadOnly, "\(op)")
            #expect(auth.check(op, peer: stranger, readGroupID: 4242)?.code == .denied)
            #expect(auth.check(op, peer: member, readGroupID: nil)?.code == .denied, "no group: root only")
        }
    }

    @Test func refusalsNameTheSocketAndTheGroup() throws {
        let write = try #require(auth.check(.levelSet, peer: member, readGroupID: 4242))
        #expect(write.message.contains("/run/mamori/control.sock"))
        #expect(write.message.contains("needs root"))
        let stranger = try #require(auth.check(.status, peer: stranger, readGroupID: 4242))
        #expect(stranger.message.contains("/run/mamori/control.sock"))
        #expect(stranger.message.contains("group 'mamori'"))
        let noGroup = try #require(auth.check(.status, peer: member, readGroupID: nil))
        #expect(noGroup.message.contains("groupadd mamori"))
    }

    @Test func groupsLineOfProcStatus() {
        let status = "Name:\tbash\nUid:\t0\t0\t0\t0\nGroups:\t4 24 27 4242 \nNgid:\t0\n"
        #expect(Peer.parseGroups(status) == [4, 24, 27, 4242])
        #expect(Peer.parseGroups("Groups:\t\n") == [])
        #expect(Peer.parseGroups("Name:\tx\n") == [])
        #expect(Peer.ownerMatches(status, uid: 0, gid: 0) == false, "no Gid line")
        let full = "Uid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\nGroups:\t27\n"
        #expect(Peer.ownerMatches(full, uid: 1000, gid: 100))
        #expect(!Peer.ownerMatches(full, uid: 0, gid: 100), "a reused pid of another user is not trusted")
    }

    @Test func clientErrorsMapToDocumentedExitStatuses() {
        #expect(ControlClientError.denied(path: "/x", message: "permission denied: /x needs root").exitStatus == 4)
        #expect(ControlClientError.denied(path: "/x", message: "").description.contains("permission denied on /x"))
        #expect(ControlClientError.agent(ControlError(.denied, "d")).exitStatus == 4)
        #expect(ControlClientError.agentNotRunning(path: "/x", detail: "no").exitStatus == 3)
        #expect(ControlClientError.agent(ControlError(.badRequest, "b")).exitStatus == 2)
        #expect(ControlClientError.agent(ControlError(.failed, "f")).exitStatus == 1)
        #expect(ControlClientError.agent(ControlError(.unavailable, "u")).exitStatus == 1)
        #expect(ControlClientError.timedOut(path: "/x", seconds: 3).exitStatus == 1)
    }
}
