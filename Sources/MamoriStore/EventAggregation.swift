/// Folds repeated identical file events of one write batch into one row.
///
/// Exists because a busy loop (an editor saving, a build writing the same object file, a
/// benchmark) repeats the same operation on the same path many times a second, and storing
/// each repeat costs a row and its index entries. Events with the same kind (`file`),
/// action, process (entity id and pid), path, rename target and result whose times are
/// less than `windowNs` of the group's first event become one row: the first event's columns,
/// `count` = how many, `lastTsUnixNs` = the last one's wall-clock time. Nothing is lost: the
/// count is stored. Other items pass through in order; an aggregated row takes the position
/// of its first event. Stateless; any thread.
enum EventAggregation {
    /// Longest span a single aggregated row covers.
    static let windowNs: Int64 = 1_000_000_000

    private struct Key: Hashable {
        var action: String
        var pid: UInt32
        var entityId: String?
        var path: String?
        var targetPath: String?
        var result: Int32?
    }

    /// `items` in order, with repeated file events folded.
    static func fold<C: Collection>(_ items: C, windowNs: Int64 = windowNs) -> [StoreItem] where C.Element == StoreItem {
        var out = [StoreItem]()
        out.reserveCapacity(items.count)
        var open = [Key: Int]()  // key -> index in `out` of its current group
        for item in items {
            guard case .event(let row) = item, row.kind == "file", row.path != nil, row.ecsJSON == nil else {
                out.append(item)
                continue
            }
            let key = Key(action: row.action, pid: row.pid, entityId: row.entityId, path: row.path,
                          targetPath: row.targetPath, result: row.result)
            if let at = open[key], case .event(var first) = out[at],
               row.tsUnixNs >= first.tsUnixNs, row.tsUnixNs - first.tsUnixNs < windowNs {
                first.count += row.count
                first.lastTsUnixNs = max(first.lastTsUnixNs ?? first.tsUnixNs, row.lastTsUnixNs ?? row.tsUnixNs)
                out[at] = .event(first)
                continue
            }
            open[key] = out.count
            out.append(item)
        }
        return out
    }
}
