extension EventStore {
    /// The stored record of one process.
    public func process(entityId: String) throws -> ProcessRow? {
        let s = try connection.cached("SELECT \(RowDecoding.processColumns) FROM processes p WHERE p.entity_id = ?")
        try s.bind(entityId, at: 1)
        return try s.rows { RowDecoding.process($0) }.first
    }

    /// Every stored process that had `pid` (pids are reused), newest first.
    public func processes(pid: UInt32, limit: Int = 100) throws -> [ProcessRow] {
        let s = try connection.cached("""
            SELECT \(RowDecoding.processColumns) FROM processes p WHERE p.pid = ?
            ORDER BY p.seen_unix_ns DESC LIMIT ?
            """)
        try s.bind(pid, at: 1); try s.bind(limit, at: 2)
        return try s.rows { RowDecoding.process($0) }
    }

    /// Direct children of a process, in start order.
    public func children(of entityId: String) throws -> [ProcessRow] {
        let s = try connection.cached("""
            SELECT \(RowDecoding.processColumns) FROM processes p WHERE p.parent_entity_id = ?
            ORDER BY p.start_ns, p.entity_id
            """)
        try s.bind(entityId, at: 1)
        return try s.rows { RowDecoding.process($0) }
    }

    /// Children, grandchildren, ... of a process down to `maxDepth` levels (a recursive CTE
    /// over `processes.parent_entity_id`), ordered by depth then start time. The depth limit
    /// also ends the walk should a corrupt parent link form a cycle.
    public func descendants(of entityId: String, maxDepth: Int = 64) throws -> [ProcessNode] {
        let s = try connection.cached("""
            WITH RECURSIVE tree(entity_id, depth) AS (
                SELECT entity_id, 1 FROM processes WHERE parent_entity_id = ?1
                UNION
                SELECT c.entity_id, t.depth + 1 FROM processes c JOIN tree t ON c.parent_entity_id = t.entity_id
                WHERE t.depth < ?2
            )
            SELECT \(RowDecoding.processColumns), min(t.depth) FROM tree t JOIN processes p ON p.entity_id = t.entity_id
            WHERE p.entity_id <> ?1
            GROUP BY p.entity_id
            ORDER BY min(t.depth), p.start_ns, p.entity_id
            """)
        try s.bind(entityId, at: 1); try s.bind(maxDepth, at: 2)
        return try s.rows { ProcessNode(process: RowDecoding.process($0), depth: $0.int(14)) }
    }

    /// Parent, grandparent, ... of a process up to `maxDepth` levels, nearest first.
    public func ancestors(of entityId: String, maxDepth: Int = 64) throws -> [ProcessNode] {
        let s = try connection.cached("""
            WITH RECURSIVE chain(entity_id, depth) AS (
                SELECT parent_entity_id, 1 FROM processes WHERE entity_id = ?1 AND parent_entity_id IS NOT NULL
                UNION
                SELECT p.parent_entity_id, c.depth + 1 FROM processes p JOIN chain c ON p.entity_id = c.entity_id
                WHERE p.parent_entity_id IS NOT NULL AND c.depth < ?2
            )
            SELECT \(RowDecoding.processColumns), min(c.depth) FROM chain c JOIN processes p ON p.entity_id = c.entity_id
            WHERE p.entity_id <> ?1
            GROUP BY p.entity_id
            ORDER BY min(c.depth)
            """)
        try s.bind(entityId, at: 1); try s.bind(maxDepth, at: 2)
        return try s.rows { ProcessNode(process: RowDecoding.process($0), depth: $0.int(14)) }
    }
}
