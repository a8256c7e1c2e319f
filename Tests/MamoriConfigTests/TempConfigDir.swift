import Foundation

/// A temporary /etc/mamori look-alike: config.yaml plus config.d/, removed on deinit.
final class TempConfigDir {
    let path: String
    var mainFile: String { path + "/config.yaml" }
    var dropIns: String { path + "/config.d" }

    init() {
        path = FileManager.default.temporaryDirectory.path + "/mamori-config-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path + "/config.d", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let full = path + "/" + name
        FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
        return full
    }
}

/// The repository root, found from this file's path (dist/ and docs/ live there).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()
