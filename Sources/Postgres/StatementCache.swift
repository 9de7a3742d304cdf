/// The statements one connection has prepared, by SQL text and parameter types.
///
/// A query the server has seen is then only bound and executed: PostgreSQL does not parse,
/// analyse and (once it settles on a generic plan) plan it again. For the national status
/// that was a third of the statement's time (`make bench`, web). The server keeps prepared
/// statements until the session ends, whatever happens to transactions, so the cache lives
/// as long as the connection and is bounded: the least recently used statement makes room.
struct StatementCache {
    struct Key: Hashable {
        var sql: String
        var types: [PostgresType]
    }

    /// The statements a connection keeps at most (`PostgresConfiguration`'s
    /// `statementCacheCapacity`, 256 by default; 0 keeps none). Gugus's own SQL is a few
    /// hundred literals; statements built at run time (savepoint names, a database's name)
    /// come and go.
    let capacity: Int
    private var entries: [Key: (name: String, lastUse: UInt64)] = [:]
    private var uses: UInt64 = 0
    private var numbered = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    var count: Int { entries.count }
    var isFull: Bool { entries.count >= capacity }

    /// The name of the statement prepared for `key`, marked as just used.
    mutating func name(for key: Key) -> String? {
        // One lookup, so the SQL text is hashed once per query.
        guard let index = entries.index(forKey: key) else { return nil }
        uses += 1
        entries.values[index].lastUse = uses
        return entries.values[index].name
    }

    /// A name no statement of this connection has had.
    mutating func newName() -> String {
        numbered += 1
        return "gugus_\(numbered)"
    }

    /// Records a statement the server has prepared under `name`.
    mutating func insert(_ key: Key, name: String) {
        precondition(!isFull, "make room before inserting")
        uses += 1
        entries[key] = (name, uses)
    }

    /// Forgets the least recently used statement and returns its name, to deallocate.
    mutating func removeLeastRecentlyUsed() -> String? {
        guard let victim = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) else { return nil }
        entries[victim.key] = nil
        return victim.value.name
    }

    /// Forgets the statement for `key` (the server no longer has it as it was) and returns
    /// its name.
    mutating func remove(_ key: Key) -> String? {
        entries.removeValue(forKey: key)?.name
    }
}
