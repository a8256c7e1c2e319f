import MamoriEvents
import MamoriProcess
import Testing

/// `PipeJoiner`: the writer and reader of one pipe are joined whichever execs first, once;
/// unrelated pipes, stale ends and a process's own pipe never join.
@Suite struct PipeJoinerTests {
    func exec(pid: UInt32, at seconds: UInt64, stdin: UInt64 = 0, stdout: UInt64 = 0) -> ExecEvent {
        ExecEvent(header: EventHeader(kind: 1, version: 1, size: 0, ktimeNs: seconds * 1_000_000_000, tgid: pid, tid: pid,
                                      startBoottimeNs: 7),
                  subject: Subject(ppid: 1, uid: 0, gid: 0, euid: 0, cgroupId: 1, comm: "x"),
                  parentStartBoottimeNs: 1, executable: "/bin/x", args: ["x"], cwd: "/", exeInode: 1, exeDevice: 1,
                  flags: [], egid: 0, loginUid: nil, sessionId: 0, tty: nil,
                  stdio: StdioTypes(stdin: stdin == 0 ? .characterDevice : .fifo, stdout: stdout == 0 ? .characterDevice : .fifo,
                                    stdinPipe: stdin, stdoutPipe: stdout))
    }

    @Test func writerFirstJoinsAtTheReadersExec() {
        var j = PipeJoiner()
        #expect(j.observe(exec(pid: 10, at: 1, stdout: 4242)).asWriter == nil)
        let r = j.observe(exec(pid: 11, at: 1, stdin: 4242))
        #expect(r.asReader?.writer.pid == 10)
        #expect(r.asReader?.reader.header.tgid == 11)
        #expect(j.joins == 1)
    }

    @Test func readerFirstJoinsLateAtTheWritersExecOnce() {
        var j = PipeJoiner()
        #expect(j.observe(exec(pid: 11, at: 1, stdin: 77)).asReader == nil)
        let w = j.observe(exec(pid: 10, at: 2, stdout: 77))
        #expect(w.asWriter?.reader.header.tgid == 11)
        #expect(w.asWriter?.writer.pid == 10)
        // The writer exec'ing again (e.g. `exec` in a script) does not join the same reader twice.
        #expect(j.observe(exec(pid: 10, at: 3, stdout: 77)).asWriter == nil)
    }

    @Test func middleOfAChainIsBothReaderAndWriter() {
        var j = PipeJoiner()
        _ = j.observe(exec(pid: 1, at: 1, stdout: 100))                 // curl
        _ = j.observe(exec(pid: 3, at: 1, stdin: 200))                  // sh (before base64)
        let mid = j.observe(exec(pid: 2, at: 1, stdin: 100, stdout: 200)) // base64 -d
        #expect(mid.asReader?.writer.pid == 1)
        #expect(mid.asWriter?.reader.header.tgid == 3)
    }

    @Test func unrelatedStaleAndSelfPipesDoNotJoin() {
        var j = PipeJoiner(slots: 4, maxAgeNs: 10_000_000_000)
        _ = j.observe(exec(pid: 10, at: 1, stdout: 5))
        #expect(j.observe(exec(pid: 11, at: 1, stdin: 6)).asReader == nil)      // another pipe
        #expect(j.observe(exec(pid: 12, at: 30, stdin: 5)).asReader == nil)     // writer too old
        #expect(j.observe(exec(pid: 13, at: 31, stdin: 9, stdout: 9)).asReader == nil) // its own pipe
        #expect(j.observe(exec(pid: 14, at: 31)).asReader == nil)               // no pipes at all
        #expect(j.joins == 0)
    }
}
