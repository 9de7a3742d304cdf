import Foundation
import Postgres

/// What `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` says about one run of a query, boiled down
/// to what the status target is about: which tables were read how, and what it cost.
struct QueryPlan: Sendable {
    struct Scan: Sendable, Hashable {
        /// `Seq Scan`, `Index Scan`, `Index Only Scan`, `Bitmap Heap Scan` …
        var node: String
        var relation: String
        var index: String?
    }

    var planningMilliseconds: Double
    var executionMilliseconds: Double
    var sharedHit: Int
    var sharedRead: Int
    /// Every scan node, with how many times it appears in the plan (not how many loops).
    var scans: [Scan: Int]

    /// The big tables status must reach through indexes only.
    static let indexedTables: Set<String> = ["membership", "audit_log", "reminder", "outreach_session", "participant", "decree"]

    /// Sequential scans of the tables that must be read through indexes.
    var sequentialScansOfIndexedTables: [String] {
        scans.keys.filter { $0.node == "Seq Scan" && Self.indexedTables.contains($0.relation) }.map(\.relation).sorted()
    }

    /// Runs the query under EXPLAIN ANALYZE on `connection`, with its own parameters.
    static func explain(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> QueryPlan {
        let explain = PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query.sql, bindings: query.bindings)
        guard let text = try await connection.query(explain).single()?.decode(String.self),
              let top = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])?.first,
              let plan = top["Plan"] as? [String: Any]
        else { throw BenchError("EXPLAIN printed no plan") }
        var scans: [Scan: Int] = [:]
        func walk(_ node: [String: Any]) {
            if let type = node["Node Type"] as? String, let relation = node["Relation Name"] as? String {
                // A bitmap heap scan's indexes are in the Bitmap Index Scans beneath it.
                var indexes: [String] = []
                func collect(_ node: [String: Any]) {
                    if node["Node Type"] as? String == "Bitmap Index Scan", let index = node["Index Name"] as? String { indexes.append(index) }
                    for child in node["Plans"] as? [[String: Any]] ?? [] { collect(child) }
                }
                if type == "Bitmap Heap Scan" { collect(node) }
                let index = node["Index Name"] as? String ?? (indexes.isEmpty ? nil : indexes.joined(separator: "+"))
                scans[Scan(node: type, relation: relation, index: index), default: 0] += 1
            }
            for child in node["Plans"] as? [[String: Any]] ?? [] { walk(child) }
        }
        walk(plan)
        return QueryPlan(
            planningMilliseconds: top["Planning Time"] as? Double ?? 0,
            executionMilliseconds: top["Execution Time"] as? Double ?? 0,
            sharedHit: plan["Shared Hit Blocks"] as? Int ?? 0,
            sharedRead: plan["Shared Read Blocks"] as? Int ?? 0,
            scans: scans)
    }

    /// One line for the report: `execution 3.2 ms, planning 1.1 ms, 1 234 buffers (0 read);
    /// membership: Index Scan membership_task_force_idx; …`.
    var summary: String {
        let scanText = scans.keys
            .sorted { ($0.relation, $0.node, $0.index ?? "") < ($1.relation, $1.node, $1.index ?? "") }
            .map { scan in
                let count = scans[scan] ?? 1
                return "\(scan.relation): \(scan.node)\(scan.index.map { " " + $0 } ?? "")\(count > 1 ? " ×\(count)" : "")"
            }
            .joined(separator: "; ")
        return String(format: "execution %.2f ms, planning %.2f ms, %d buffers hit, %d read", executionMilliseconds, planningMilliseconds, sharedHit, sharedRead)
            + " | " + scanText
    }
}
