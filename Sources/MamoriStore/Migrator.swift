/// Brings a database to the schema version this build writes, or refuses it.
///
/// Exists so that every open goes through the same rules: `PRAGMA user_version` holds the
/// applied version; missing migrations run in order, each in its own IMMEDIATE transaction
/// together with its `user_version` bump (a crash mid-migration leaves the previous version);
/// a database from a newer build is refused with `StoreError.schemaTooNew` and left untouched.
/// Called on the thread that owns the connection.
enum Migrator {
    /// `PRAGMA user_version`.
    static func userVersion(_ connection: Connection) throws -> Int32 {
        Int32(truncatingIfNeeded: try connection.scalarInt("PRAGMA user_version") ?? 0)
    }

    /// Applies the migrations above the database's version. Returns the versions before and after.
    @discardableResult
    static func migrate(_ connection: Connection,
                        migrations: [Migration] = StoreSchema.migrations) throws -> (from: Int32, to: Int32) {
        precondition(zip(migrations, migrations.dropFirst()).allSatisfy { $0.version + 1 == $1.version }
                     && (migrations.first?.version ?? 1) == 1,
                     "migrations must be numbered 1, 2, 3, ... without gaps")
        let supported = migrations.last?.version ?? 0
        let found = try userVersion(connection)
        if found > supported {
            throw StoreError.schemaTooNew(path: connection.path, found: found, supported: supported)
        }
        if connection.mode == .readOnly {
            if found < supported {
                throw StoreError.schemaNeedsMigration(path: connection.path, found: found, supported: supported)
            }
            return (found, found)
        }
        for migration in migrations where migration.version > found {
            try connection.transaction(.immediate) {
                // Another process may have migrated between our read and our write lock.
                let now = try userVersion(connection)
                if now > supported {
                    throw StoreError.schemaTooNew(path: connection.path, found: now, supported: supported)
                }
                guard now < migration.version else { return }
                try connection.execute(migration.sql)
                try connection.execute("PRAGMA user_version = \(migration.version)")
            }
        }
        return (found, try userVersion(connection))
    }
}
