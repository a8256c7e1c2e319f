extension EventStore {
    /// Counts one sighting of a command shape; returns how many times it has now been seen
    /// (1 = first time on this host).
    @discardableResult
    public func recordCommand(_ observation: CommandObservation) throws -> Int64 {
        let s = try connection.cached("""
            INSERT INTO command_stats (shape_hash, executable, example, first_seen, last_seen, count)
            VALUES (?1, ?2, ?3, ?4, ?4, 1)
            ON CONFLICT(shape_hash) DO UPDATE SET
                count = count + 1,
                first_seen = min(first_seen, excluded.first_seen),
                last_seen = max(last_seen, excluded.last_seen)
            RETURNING count
            """)
        try s.bind(observation.shape.hash, at: 1); try s.bind(observation.shape.executable, at: 2)
        try s.bind(observation.example, at: 3); try s.bind(observation.unixNs, at: 4)
        return try s.rows { $0.int64(0) }.first ?? 0
    }

    /// Convenience for `recordCommand(CommandObservation(...))`.
    @discardableResult
    public func recordCommand(executable: String, args: [String], unixNs: Int64) throws -> Int64 {
        try recordCommand(CommandObservation(executable: executable, args: args, unixNs: unixNs))
    }

    /// How many times this command shape was seen (0 = never: the rarest).
    public func commandSeenCount(_ shape: CommandShape) throws -> Int64 {
        try commandStat(shape)?.count ?? 0
    }

    /// Convenience for `commandSeenCount(CommandShape(executable:args:))`.
    public func commandSeenCount(executable: String, args: [String]) throws -> Int64 {
        try commandSeenCount(CommandShape(executable: executable, args: args))
    }

    /// The stored statistics of a command shape.
    public func commandStat(_ shape: CommandShape) throws -> CommandStat? {
        let s = try connection.cached("""
            SELECT shape_hash, executable, example, first_seen, last_seen, count FROM command_stats
            WHERE shape_hash = ?
            """)
        try s.bind(shape.hash, at: 1)
        return try s.rows {
            CommandStat(shapeHash: $0.int64(0), executable: $0.string(1), example: $0.optionalString(2),
                        firstSeen: $0.int64(3), lastSeen: $0.int64(4), count: $0.int64(5))
        }.first
    }
}
