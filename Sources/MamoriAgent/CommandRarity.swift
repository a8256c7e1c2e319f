import MamoriStore

/// How often this host has run a command shape (executable + shape of its arguments).
///
/// Exists for the risk score: a command never seen here before is more suspicious than one
/// run daily. Counts live in memory (bounded) and fall back to the store's `command_stats`
/// history the first time a shape is looked up. Owned by the pipeline worker.
final class CommandRarity {
    private var counts: [Int64: Int] = [:]
    private let capacity: Int
    private let history: EventStore?

    init(history: EventStore?, capacity: Int = 65_536) {
        self.history = history
        self.capacity = capacity
    }

    /// Records one run and returns how many times the shape was seen before this one.
    func observe(executable: String, args: [String]) -> Int {
        let shape = CommandShape(executable: executable, args: args)
        let before: Int
        if let known = counts[shape.hash] {
            before = known
        } else {
            before = Int((try? history?.commandSeenCount(shape)) ?? 0)
            if counts.count >= capacity { counts.removeAll(keepingCapacity: true) }
        }
        counts[shape.hash] = before + 1
        return before
    }

    /// Times the shape was seen (without recording a run).
    func seen(executable: String, args: [String]) -> Int {
        let shape = CommandShape(executable: executable, args: args)
        if let known = counts[shape.hash] { return known }
        return Int((try? history?.commandSeenCount(shape)) ?? 0)
    }
}
