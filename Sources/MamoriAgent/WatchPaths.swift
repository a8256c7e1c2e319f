import Glibc

/// Expands the sensor's watch list (`sensor.watch_files`, `sensor.watch_directories`) once at
/// start: entries with `*`, `?` or `[` are glob(3) patterns (`/home/*/.aws`), the rest are
/// taken as given.
///
/// Exists so that credential stores in every home directory (cloud, kube, docker, git,
/// database password files) are watched by inode without listing each user. Matches are
/// capped per pattern (`limit`), so a directory with a hostile number of entries bounds the
/// watch set; paths that do not exist are dropped here or by `SensorMaps.watch`. Users and
/// stores created after the start are not watched until the next start (docs/kernel.md).
/// Pure function of the file system at the call; any thread.
enum WatchPaths {
    static func expand(_ patterns: [String], limit: Int = 1024) -> [String] {
        var out: [String] = []
        for pattern in patterns {
            guard pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) else {
                out.append(pattern)
                continue
            }
            var g = glob_t()
            defer { globfree(&g) }
            guard glob(pattern, 0, nil, &g) == 0 else { continue }
            for i in 0..<min(Int(g.gl_pathc), limit) {
                if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
            }
        }
        return out
    }
}
