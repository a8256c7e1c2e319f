#if canImport(Glibc)
import Glibc
#endif
import CMamoriSys
import MamoriEvents

/// Carries out kill and kill-tree on live processes, through pidfds so a reused pid is never hit.
///
/// Why pidfds: a pid names whatever process holds it *now*. The responder opens a pidfd, then
/// checks that the process behind the pid still has the start time of the record the decision
/// was about; signals go to the pidfd, so a process that exits afterwards makes the signal fail
/// with ESRCH instead of hitting a newcomer. It never acts on pid 1, kernel threads, the agent
/// or protected processes (checked against /proc, not the record). Freezing lives in
/// `CgroupFreezer`.
///
/// Threading: stateless apart from its configuration; any thread, but the agent calls it from
/// its prevention worker so actions are serialized.
public struct Responder: Sendable {
    public var protection: ProtectionList
    /// Report `.simulated` instead of signalling (used when enforcement is off).
    public var dryRun: Bool
    /// Stop-sweeps a kill-tree makes before killing (each catches children forked meanwhile).
    public var maxSweeps = 16
    var procRoot = "/proc"

    public init(protection: ProtectionList, dryRun: Bool = false) {
        self.protection = protection
        self.dryRun = dryRun
    }

    /// Kills `target` (SIGKILL) if it is still the process the record describes.
    /// `eventNs`: CLOCK_BOOTTIME of the triggering kernel event, for the latency.
    public func kill(_ target: ProcessKey, eventNs: UInt64? = nil) -> ActionResult {
        var handle = open(target, action: .kill)
        defer { handle.close() }
        guard case .open = handle.state else { return handle.result(eventNs) }
        return handle.signal(SIGKILL, dryRun: dryRun, eventNs: eventNs)
    }

    /// Kills `root` and every descendant: stops them all first (a stopped process cannot fork),
    /// sweeping /proc until a pass finds no new descendant, then kills leaves first. A refused
    /// (protected) descendant and everything below it are left alone.
    /// Returns one result per process touched (root first).
    public func killTree(_ root: ProcessKey, eventNs: UInt64? = nil) -> [ActionResult] {
        var rootHandle = open(root, action: .kill)
        guard case .open = rootHandle.state else {
            rootHandle.close()
            return [rootHandle.result(eventNs)]
        }
        var handles: [(handle: ProcessHandle, depth: Int)] = [(rootHandle, 0)]
        var results: [ActionResult] = []
        var seen: Set<UInt32> = [root.pid]
        // A protected or unverifiable member shields its whole subtree.
        var shielded: Set<UInt32> = []
        if !dryRun { _ = handles[0].handle.signal(SIGSTOP, dryRun: false, eventNs: nil) }
        for _ in 0..<maxSweeps {
            var found = false
            for (pid, ppid, depth, start) in ProcInspector.lineage(of: root.pid, procRoot: procRoot) where !seen.contains(pid) {
                seen.insert(pid)
                found = true
                if shielded.contains(ppid) {
                    shielded.insert(pid)
                    continue
                }
                var h = open(ProcessKey(pid: pid, startTicks: start), action: .kill)
                guard case .open = h.state else {
                    if case .refused = h.state { shielded.insert(pid) }
                    results.append(h.result(eventNs))
                    h.close()
                    continue
                }
                if !dryRun { _ = h.signal(SIGSTOP, dryRun: false, eventNs: nil) }
                handles.append((h, depth))
            }
            if !found { break }
        }
        // Leaves first: deepest depth first, the root last.
        var killed: [ActionResult] = []
        for i in handles.indices.sorted(by: { handles[$0].depth > handles[$1].depth }) {
            killed.append(handles[i].handle.signal(SIGKILL, dryRun: dryRun, eventNs: eventNs))
        }
        for i in handles.indices { handles[i].handle.close() }
        return killed.reversed() + results
    }

    /// Opens a pidfd on `target` and checks identity and protection.
    func open(_ target: ProcessKey, action: ActionResult.Action) -> ProcessHandle {
        var h = ProcessHandle(pid: target.pid, action: action)
        if let why = protection.refusal(DecisionSubject(pid: target.pid, executable: "", comm: "", unit: nil)) {
            h.state = .refused(why)
            return h
        }
        let fd = mamori_pidfd_open(pid_t(bitPattern: target.pid), 0)
        guard fd >= 0 else {
            h.state = .failed(errno)
            return h
        }
        h.fd = fd
        guard let live = ProcInspector.live(target.pid, procRoot: procRoot) else {
            h.state = .failed(ESRCH)
            return h
        }
        if live.startTicks != target.startTicks {
            h.state = .refused("pid \(target.pid) was reused (start \(live.startTicks) != \(target.startTicks))")
        } else if live.isKernelThread {
            h.state = .refused("pid \(target.pid) is a kernel thread")
        } else if let why = protection.refusal(live.subject) {
            h.state = .refused(why)
        } else {
            h.state = .open
        }
        return h
    }
}

/// A verified pidfd on one process. Internal; owned by one responder call.
struct ProcessHandle {
    enum State: Equatable { case open, failed(Int32), refused(String) }
    let pid: UInt32
    let action: ActionResult.Action
    var fd: Int32 = -1
    var state: State = .failed(EBADF)

    init(pid: UInt32, action: ActionResult.Action) { self.pid = pid; self.action = action }

    func result(_ eventNs: UInt64?) -> ActionResult {
        switch state {
        case .open: return ActionResult(action: action, pid: pid, outcome: .simulated)
        case .failed(let e): return ActionResult(action: action, pid: pid, outcome: .failed(errno: e))
        case .refused(let why): return ActionResult(action: action, pid: pid, outcome: .refused(why))
        }
    }

    func signal(_ sig: Int32, dryRun: Bool, eventNs: UInt64?) -> ActionResult {
        guard state == .open else { return result(eventNs) }
        let act: ActionResult.Action = sig == SIGSTOP ? .stop : action
        if dryRun { return ActionResult(action: act, pid: pid, outcome: .simulated) }
        let rc = mamori_pidfd_send_signal(fd, sig, 0)
        let err = errno
        let latency = eventNs.map { ProcInspector.boottimeNs() &- $0 }
        return ActionResult(action: act, pid: pid, outcome: rc == 0 ? .done : .failed(errno: err), latencyNs: latency)
    }

    mutating func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}
