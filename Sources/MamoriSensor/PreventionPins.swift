import CLibbpf
import Glibc

/// The bpffs pins that keep prevention in force while no agent runs (`agent.fail_mode: closed`).
///
/// Exists because a BPF link lives as long as something holds it: without pins, the links die
/// with the agent's file descriptors and enforcement stops (fail-open). With pins, the
/// prevention programs' links (`link_<program>`) and the policy maps they read
/// (`map_<map>`) stay in the kernel after the agent died, so denied executables stay denied,
/// blocked networks stay blocked and isolated scopes stay isolated until an agent starts again
/// or an operator runs `mamori doctor --unpin`.
///
/// On the next start the loader reuses the pinned maps (`bpf_map__reuse_fd` before load: the
/// policy survives the restart), attaches its own programs, and only then replaces the old
/// link pins, so there is no moment without enforcement. Pins whose map no longer matches the
/// object being loaded (an upgrade changed a map) are removed and replaced.
///
/// A value holding only a path; its methods are called by `SensorProgram` on its owning thread.
/// `unpinAll` may be called from any thread (it only unlinks files).
public struct PreventionPins: Sendable, Equatable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// `<bpffs mount>/mamori` from /proc/mounts (never hard-coded), or nil without bpffs.
    public static func defaultDirectory() -> String? {
        SystemMounts.mountPoint(fstype: "bpf").map { $0 + "/mamori" }
    }

    /// Maps the prevention programs read: policy and config (rings and scratch are per instance).
    static let mapNames = ["mamori_config_map", "mamori_exec_policy", "mamori_scope", "mamori_egress",
                           "mamori_tagged_exec", "mamori_task_tag", "mamori_protected_files"]

    /// Programs that enforce (their links are pinned); the rest only observe.
    static func isPrevention(program name: String) -> Bool {
        name.hasPrefix("mamori_prevent_") || name.hasPrefix("mamori_lsm_")
    }

    func mapPath(_ name: String) -> String { directory + "/map_" + name }
    func linkPath(_ program: String) -> String { directory + "/link_" + program }

    /// Before load: make each policy map of `obj` reuse its pinned map when one exists and has
    /// the same shape; a pin with another shape is removed (replaced after load). Returns the
    /// names of the reused maps.
    func reuseMaps(in obj: OpaquePointer?) -> Set<String> {
        var reused = Set<String>()
        for name in Self.mapNames {
            guard let map = bpf_object__find_map_by_name(obj, name) else { continue }
            let path = mapPath(name)
            let fd = bpf_obj_get(path)
            if fd < 0 { continue }
            defer { close(fd) }
            var info = bpf_map_info()
            var len = UInt32(MemoryLayout<bpf_map_info>.size)
            let same = bpf_obj_get_info_by_fd(fd, &info, &len) == 0
                && info.type == bpf_map__type(map).rawValue && info.key_size == bpf_map__key_size(map)
                && info.value_size == bpf_map__value_size(map) && info.max_entries == bpf_map__max_entries(map)
                && info.map_flags == bpf_map__map_flags(map)
            if same && bpf_map__reuse_fd(map, fd) == 0 {
                reused.insert(name)
            } else {
                unlink(path)
            }
        }
        return reused
    }

    /// After load: pin the policy maps that were not reused (those are pinned already).
    func pinMaps(in obj: OpaquePointer?, except reused: Set<String>) throws(SensorError) {
        try makeDirectory()
        for name in Self.mapNames where !reused.contains(name) {
            guard let map = bpf_object__find_map_by_name(obj, name) else { continue }
            unlink(mapPath(name))
            let err = bpf_map__pin(map, mapPath(name))
            if err != 0 { throw .pin(path: mapPath(name), errno: -err) }
        }
    }

    /// After attach: pin the new links of the prevention programs in place of the old ones.
    /// The old link is released when its pin goes; the new one is already attached.
    /// `pinnedAlready`: programs whose links are pinned by their owner (`IsolationLinks`): kept.
    func replaceLinks(_ links: [(program: String, link: OpaquePointer)], pinnedAlready: [String] = []) throws(SensorError) {
        try makeDirectory()
        var kept = Set(pinnedAlready.map { "link_" + $0 })
        for (program, link) in links where Self.isPrevention(program: program) {
            let path = linkPath(program)
            unlink(path)
            let err = bpf_link__pin(link, path)
            if err != 0 { throw .pin(path: path, errno: -err) }
            kept.insert("link_" + program)
        }
        // Links of programs this build no longer has (or does not load on this kernel).
        for entry in entries() where entry.hasPrefix("link_") && !kept.contains(entry) {
            unlink(directory + "/" + entry)
        }
    }

    /// Pin one link as `link_<program>` in place of an older pin; returns 0 or an errno.
    func pin(link: OpaquePointer, program: String) -> Int32 {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { return errno }
        unlink(linkPath(program))
        return -bpf_link__pin(link, linkPath(program))
    }

    /// Remove the pin of one program's link (its link detaches once nothing else holds it).
    func unpin(program: String) { unlink(linkPath(program)) }

    /// Names of the files in the pin directory (empty when it does not exist).
    public func entries() -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Remove every pin and the directory: pinned links detach (their programs unload once no
    /// agent holds them) and pinned maps are freed. Returns the removed names; safe to repeat.
    @discardableResult
    public func unpinAll() -> [String] {
        let names = entries()
        for name in names { unlink(directory + "/" + name) }
        rmdir(directory)
        return names
    }

    private func makeDirectory() throws(SensorError) {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { throw .pin(path: directory, errno: errno) }
    }
}
