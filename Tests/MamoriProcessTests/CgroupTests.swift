import Foundation
import Testing
@testable import MamoriProcess

@Suite("cgroup paths, mounts and the resolver")
struct CgroupTests {
    @Test(arguments: [
        ("/system.slice/ssh.service", "ssh.service"),
        ("/user.slice/user-1000.slice/session-3.scope", "session-3.scope"),
        ("/system.slice/docker-0123abcd.scope", "docker-0123abcd.scope"),
        ("/system.slice/docker-0123abcd.scope/init", "docker-0123abcd.scope"),
        ("/system.slice/foo.service/payload", "foo.service"),
        ("/system.slice/foo.service/payload/deeper", "foo.service"),
        ("/user.slice/user-1000.slice/user@1000.service/app.slice/gnome-shell.service", "gnome-shell.service"),
        ("/user.slice/user-1000.slice/user@1000.service/init.scope", "init.scope"),
        ("/system.slice/systemd-journald.socket", "systemd-journald.socket"),
        ("/system.slice/home.mount", "home.mount"),
        ("/system.slice/system-getty.slice/getty@tty1.service", "getty@tty1.service"),
        ("/init.scope", "init.scope"),
        ("system.slice/cron.service", "cron.service"),
        ("/kubepods.slice/kubepods-burstable.slice/cri-containerd-ab12.scope", "cri-containerd-ab12.scope"),
    ])
    func unitExtraction(path: String, unit: String) {
        #expect(CgroupResolver.systemdUnit(fromCgroupPath: path) == unit)
    }

    @Test(arguments: ["/", "", "/user.slice", "/user.slice/user-1000.slice", "/docker/abc", "/.service", "/a/.scope"])
    func noUnit(path: String) {
        #expect(CgroupPaths.systemdUnit(fromCgroupPath: path) == nil)
    }

    @Test func mountDiscoveryFromHybridTable() {
        let mounts = """
        sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
        tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
        cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
        cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0
        cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
        """
        #expect(CgroupPaths.cgroup2MountPoint(fromMounts: mounts) == "/sys/fs/cgroup/unified")
    }

    @Test func mountDiscoveryFromUnifiedTableAndEdgeCases() {
        #expect(CgroupPaths.cgroup2MountPoint(fromMounts:
            "proc /proc proc rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nsdelegate 0 0\n") == "/sys/fs/cgroup")
        #expect(CgroupPaths.cgroup2MountPoint(fromMounts: "none /my\\040cgroups cgroup2 rw 0 0") == "/my cgroups")
        #expect(CgroupPaths.cgroup2MountPoint(fromMounts: "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n") == nil)
        #expect(CgroupPaths.cgroup2MountPoint(fromMounts: "") == nil)
        // A device *named* cgroup2 is not a cgroup2 filesystem.
        #expect(CgroupPaths.cgroup2MountPoint(fromMounts: "cgroup2 /mnt ext4 rw 0 0") == nil)
    }

    @Test func resolvesIdsInASyntheticTreeWithRateLimitedRescan() throws {
        let root = try TempDir()
        for dir in ["system.slice/ssh.service", "system.slice/docker-abc.scope/init", "user.slice/user-1000.slice/session-3.scope"] {
            try root.mkdir(dir)
        }
        var now: UInt64 = 10_000_000_000
        let resolver = CgroupResolver(mountPoint: root.path + "/", configuration: .init(minRescanIntervalNs: 1_000_000_000),
                                      clock: { now })
        #expect(resolver.mountPoint == root.path)
        let ssh = try #require(ProcFS.inode(of: root.path + "/system.slice/ssh.service"))
        #expect(resolver.resolve(cgroupId: ssh) == .init(path: "/system.slice/ssh.service", unit: "ssh.service"))
        let initDir = try #require(ProcFS.inode(of: root.path + "/system.slice/docker-abc.scope/init"))
        #expect(resolver.unit(forCgroupId: initDir) == "docker-abc.scope", "cached by the first walk")
        #expect(resolver.path(forCgroupId: ProcFS.inode(of: root.path)!) == "/")
        #expect(resolver.counters.rescans == 1)

        // A cgroup created after the walk: the next miss within the interval is not rescanned.
        try root.mkdir("system.slice/new.service")
        let fresh = try #require(ProcFS.inode(of: root.path + "/system.slice/new.service"))
        #expect(resolver.resolve(cgroupId: fresh) == nil)
        #expect(resolver.counters.rateLimited == 1)
        now += 1_000_000_000
        #expect(resolver.unit(forCgroupId: fresh) == "new.service")
        #expect(resolver.counters.rescans == 2)
        #expect(resolver.resolve(cgroupId: 0) == nil)
    }

    @Test func cacheIsBoundedAndKeepsTheSoughtId() throws {
        let root = try TempDir()
        for i in 0..<20 { try root.mkdir("system.slice/s\(i).service") }
        let resolver = CgroupResolver(mountPoint: root.path, configuration: .init(cacheCapacity: 4, minRescanIntervalNs: 0))
        for i in [0, 7, 19] {
            let id = try #require(ProcFS.inode(of: root.path + "/system.slice/s\(i).service"))
            #expect(resolver.unit(forCgroupId: id) == "s\(i).service")
            #expect(resolver.cachedCount <= 4)
        }
        #expect(resolver.counters.evictions > 0)
    }

    @Test func noMountPointResolvesNothing() {
        let resolver = CgroupResolver(mountPoint: nil)
        #expect(resolver.resolve(cgroupId: 1) == nil)
        #expect(resolver.cgroupId(forPath: "/") == nil)
    }

    @Test func tableTakesUnitsFromTheResolver() throws {
        let root = try TempDir()
        try root.mkdir("system.slice/cron.service")
        try root.mkdir("system.slice/backup.service")
        let cron = try #require(ProcFS.inode(of: root.path + "/system.slice/cron.service"))
        let table = ProcessTable(entityIds: Fixture.ids, cgroups: CgroupResolver(mountPoint: root.path))
        table.apply(Fixture.exec(pid: 10, start: 1, parent: 1, parentStart: 0, exe: "/usr/sbin/cron", cgroup: cron))
        table.apply(Fixture.fork(pid: 11, start: 2, parent: 10, parentStart: 1, cgroup: cron))
        #expect(table.record(for: Fixture.key(10, 1))?.unit == "cron.service")
        #expect(table.record(for: Fixture.key(11, 2))?.unit == "cron.service")
        #expect(table.record(for: Fixture.key(11, 2))?.cgroupId == cron)
        // The process moves to another cgroup (systemd-run, a container runtime): the unit follows.
        let backup = try #require(ProcFS.inode(of: root.path + "/system.slice/backup.service"))
        table.apply(Fixture.connect(pid: 11, start: 2, parent: 10, at: Fixture.ns(ticks: 3), uid: 0, cgroup: backup))
        let moved = try #require(table.record(for: Fixture.key(11, 2)))
        #expect(moved.unit == "backup.service" && moved.cgroupId == backup && moved.uid == 0)
    }

    static let realMount: String? = CgroupResolver.discover().mountPoint

    @Test(.enabled(if: realMount != nil, "host has no cgroup v2 hierarchy"))
    func realHierarchy() throws {
        let resolver = CgroupResolver.discover()
        let mount = try #require(resolver.mountPoint)
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: mount, isDirectory: &isDir) && isDir.boolValue)
        let text = try #require(ProcFS.readText("/proc/self/cgroup"))
        let own = try #require(ProcParsers.cgroupPaths(fromCgroupFile: text).unified)
        let id = try #require(resolver.cgroupId(forPath: own))
        // A fresh resolver finds the same id by walking the tree.
        let fresh = CgroupResolver(mountPoint: mount)
        #expect(fresh.path(forCgroupId: id) == own)
        #expect(fresh.unit(forCgroupId: id) == CgroupPaths.systemdUnit(fromCgroupPath: own))
    }
}

/// A temporary directory removed when the value is released.
final class TempDir {
    let path: String
    init() throws {
        var template = Array((NSTemporaryDirectory() + "/mamori-proc-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: p)
    }
    func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
    }
    func write(_ relative: String, _ contents: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try contents.write(toFile: full, atomically: false, encoding: .utf8)
    }
    func symlink(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + relative, withDestinationPath: target)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
