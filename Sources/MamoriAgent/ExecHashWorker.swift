import Foundation
import Glibc
import MamoriEvents
import MamoriPolicy

/// Hashes executables off the pipeline worker so that `exec_deny: - sha256: …` entries reach
/// the kernel: the first exec of a file with a denied hash adds its inode to the kernel's exec
/// deny map, and every later exec of it dies at exec.
///
/// Why a thread of its own: hashing a large binary takes milliseconds to a second, and the
/// pipeline worker must never wait for disk. The worker only offers exec events (O(1), never
/// blocks; a full queue drops and counts). The file hashed is the one the process really
/// runs: `/proc/<pid>/exe` while the process lives (a rename or a swapped path cannot fool it),
/// else the path, and only when its inode is the one the kernel reported. Cost is bounded by
/// the hasher's per-version cache (a file is hashed once per version) and its size cap.
final class ExecHashWorker: @unchecked Sendable {
    // SAFETY: `queue`, `stopping` and counters are touched only with `condition` locked; the
    // controller's hashing runs on this worker's thread alone.
    private struct Job { var pid: UInt32; var inode: KernelPolicy.Inode; var path: String }

    private let controller: PreventionController
    private let condition = NSCondition()
    private var queue: [Job] = []
    private let capacity: Int
    private var stopping = false
    private var thread: Thread?
    private(set) var dropped: UInt64 = 0
    private(set) var examined: UInt64 = 0

    init(controller: PreventionController, capacity: Int = 1024) {
        self.controller = controller
        self.capacity = capacity
        queue.reserveCapacity(capacity)
    }

    func start() {
        let t = Thread { [self] in loop() }
        t.name = "mamori-exec-hash"
        t.start()
        thread = t
    }

    /// Offers an exec event; never blocks. Worker thread.
    func offer(_ e: ExecEvent) {
        guard !e.executable.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        guard queue.count < capacity else { dropped &+= 1; return }
        queue.append(Job(pid: e.header.tgid, inode: .init(dev: e.exeDevice, ino: e.exeInode), path: e.executable))
        condition.signal()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if stopping { condition.unlock(); return }
            let job = queue.removeFirst()
            examined &+= 1
            condition.unlock()
            if let path = Self.fileToHash(job) { controller.observeExec(path: path) }
        }
    }

    /// `/proc/<pid>/exe` when it still is the exec'd inode, else the path when it is; nil when
    /// neither is (the file changed since the exec: nothing trustworthy to hash).
    static func fileToHash(_ job: (pid: UInt32, inode: KernelPolicy.Inode, path: String)) -> String? {
        let proc = "/proc/\(job.pid)/exe"
        if KernelPolicy.Inode.of(path: proc) == job.inode { return proc }
        if KernelPolicy.Inode.of(path: job.path) == job.inode { return job.path }
        return nil
    }

    private static func fileToHash(_ job: Job) -> String? { fileToHash((job.pid, job.inode, job.path)) }
}
