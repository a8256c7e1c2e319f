import CSQLite

extension Connection {
    /// Registers `mamori_entity_hash(text)`: the `segment_entities` key of an entity id
    /// (`EventStore.entityHash`), so that retention can ask in SQL whether any segment still
    /// holds a process's events. Deterministic and free of side effects.
    func registerEntityHash() throws {
        let rc = sqlite3_create_function_v2(
            handle, "mamori_entity_hash", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nil,
            { context, argc, argv in
                guard argc == 1, let value = argv?[0], sqlite3_value_type(value) == SQLITE_TEXT,
                      let text = sqlite3_value_text(value) else {
                    sqlite3_result_null(context)
                    return
                }
                let count = Int(sqlite3_value_bytes(value))
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for b in UnsafeBufferPointer(start: text, count: count) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
                sqlite3_result_int64(context, Int64(bitPattern: h))
            }, nil, nil, nil)
        guard rc == SQLITE_OK else { throw failure("create_function", sql: nil, rc: rc) }
    }
}
