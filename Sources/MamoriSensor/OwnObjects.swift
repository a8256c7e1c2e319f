import CLibbpf
import CMamoriABI
import Glibc

/// Publishes the ids of the agent's own BPF maps, programs and links into `mamori_own_objects`.
///
/// Exists so that bpf/tamper.bpf.c can tell a write to, or an open of, one of the agent's
/// objects (by id or by pin) from the many BPF objects other tools own: the kernel knows
/// objects by id, and only the loader knows which ids are its own. Called once after attach;
/// the object ids never change while the object lives. Loader thread only.
enum OwnObjects {
    /// Writes every map, program and link of `object` (plus `links`) into the map; returns
    /// how many entries were written.
    @discardableResult
    static func publish(object: OpaquePointer?, links: [OpaquePointer]) -> Int {
        guard let own = bpf_object__find_map_by_name(object, "mamori_own_objects") else { return 0 }
        let ownFD = bpf_map__fd(own)
        var written = 0
        func put(_ type: mamori_obj_type, _ id: UInt32) {
            guard id != 0 else { return }
            var key = mamori_obj_key(type: type.rawValue, id: id)
            var one: UInt8 = 1
            if bpf_map_update_elem(ownFD, &key, &one, UInt64(BPF_ANY)) == 0 { written += 1 }
        }
        var map = bpf_object__next_map(object, nil)
        while let m = map {
            var info = bpf_map_info()
            if infoOf(bpf_map__fd(m), &info) { put(MAMORI_OBJ_MAP, info.id) }
            map = bpf_object__next_map(object, m)
        }
        var prog = bpf_object__next_program(object, nil)
        while let p = prog {
            var info = bpf_prog_info()
            if bpf_program__fd(p) >= 0, infoOf(bpf_program__fd(p), &info) { put(MAMORI_OBJ_PROG, info.id) }
            prog = bpf_object__next_program(object, p)
        }
        for link in links {
            var info = bpf_link_info()
            if infoOf(bpf_link__fd(link), &info) { put(MAMORI_OBJ_LINK, info.id) }
        }
        return written
    }

    private static func infoOf<T>(_ fd: Int32, _ info: inout T) -> Bool {
        guard fd >= 0 else { return false }
        var length = UInt32(MemoryLayout<T>.size)
        return withUnsafeMutableBytes(of: &info) { bpf_obj_get_info_by_fd(fd, $0.baseAddress, &length) } == 0
    }
}
