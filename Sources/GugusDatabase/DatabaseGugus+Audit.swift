import Foundation
import GugusModel
import Postgres

extension DatabaseGugus {
    /// The audit log, newest first. Coordinators see their own task force's entries only:
    /// the before and after rows hold contact details.
    public func audit(_ query: AuditQuery) async throws -> Page<AuditEntry> {
        try caller.requireRegistryRead()
        return try await read { connection in
            var filter: PostgresQuery = "WHERE true"
            if let after = query.page.after {
                filter.append(" AND a.id < \(try PageRequest(limit: 1, after: after).afterID())")
            }
            if let entity = query.entity { filter.append(" AND a.entity = \(entity)") }
            if let entityID = query.entityId { filter.append(" AND a.entity_id = \(entityID)") }
            if let since = query.since { filter.append(" AND a.at >= \(since)") }
            if let until = query.until { filter.append(" AND a.at < \(until)") }
            if let actor = query.actor { filter.append(" AND a.actor = \(actor)") }
            if let reference = query.taskForce {
                let taskForce = try await Self.taskForce(reference, on: connection)
                filter.append(" AND a.task_force_id = \(taskForce.id)")
            }
            if caller.role == .coordinator {
                let own = try await Self.findTaskForce(.region(caller.regionCode ?? ""), on: connection)
                filter.append(" AND a.task_force_id = \(own?.id ?? -1)")
            }
            let entries = try await connection.query("""
                SELECT a.id, a.at, a.actor, a.action, a.operation, a.entity, a.entity_id, a.task_force_id, a.before, a.after
                FROM audit_log a
                \(filter)
                ORDER BY a.id DESC LIMIT \(query.page.limit + 1)
                """).decode(as: AuditEntry.self)
            let items = Array(entries.prefix(query.page.limit))
            return Page(items: items, nextCursor: entries.count > query.page.limit ? items.last.map { String($0.id) } : nil)
        }
    }
}
