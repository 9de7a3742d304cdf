import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// The map's coverage chart: provinces with an establishing decree in force at each month's
/// end. The months are counted in Swift from the decrees' terms; this holds the count equal
/// to the SQL that did it before (kept here as the reference) on terms that start and end
/// mid-month, lapse, follow each other, are amended and are revoked.
@Suite("Coverage by month", .releasesResources)
struct CoverageTests {
    static let reference = """
        WITH period AS (SELECT starts_on FROM programme_period ORDER BY starts_on DESC LIMIT 1),
        months AS (
            SELECT least((date_trunc('month', m) + interval '1 month - 1 day')::date, $1::date) AS month_end
            FROM period, generate_series(date_trunc('month', period.starts_on), date_trunc('month', $1::date), interval '1 month') m),
        established AS MATERIALIZED (
            SELECT t.region_code, d.in_force
            FROM task_force t
            JOIN region r ON r.code = t.region_code AND r.level = 'province'
            JOIN decree d ON d.task_force_id = t.id AND d.amends_id IS NULL)
        SELECT m.month_end, count(DISTINCT e.region_code)::integer AS in_force
        FROM months m LEFT JOIN established e ON e.in_force @> m.month_end
        GROUP BY m.month_end ORDER BY m.month_end
        """

    @Test("the same months and counts as the SQL it replaces")
    func sameAsSQL() async throws {
        // Today is 2026-12-03 in Jakarta.
        let gugus = try await TestDatabase.gugus(clock: { Date(timeIntervalSince1970: 1_796_269_200) })
        func decree(_ region: String, _ number: String, from: CivilDate, until: CivilDate?, amends: Int64? = nil, revokes: Int64? = nil) async throws -> Decree {
            try await gugus.addDecree(NewDecree(
                taskForce: .region(region), number: number, title: "tentang GTD BHAM", signedOn: from, effectiveFrom: from,
                effectiveUntil: until, signerName: "Gubernur", amendsId: amends, revokesId: revokes))
        }
        for region in ["11", "31", "81", "82", "94"] { _ = try await gugus.createTaskForce(NewTaskForce(regionCode: region)) }
        _ = try await decree("82", "1/82", from: CivilDate(2024, 3, 1), until: CivilDate(2025, 12, 31))
        _ = try await decree("82", "2/82", from: CivilDate(2026, 1, 1), until: CivilDate(2028, 12, 31))
        _ = try await decree("81", "1/81", from: CivilDate(2023, 2, 14), until: CivilDate(2024, 6, 30))  // lapsed mid-year
        _ = try await decree("81", "2/81", from: CivilDate(2025, 9, 30), until: nil)  // starts on a month's last day
        let jakarta = try await decree("31", "1/31", from: CivilDate(2023, 1, 1), until: CivilDate(2026, 12, 31))
        _ = try await decree("31", "2/31", from: CivilDate(2023, 5, 2), until: nil, amends: jakarta.id)  // an amendment counts once
        _ = try await decree("11", "1/11", from: CivilDate(2026, 11, 15), until: nil)
        let papua = try await decree("94", "1/94", from: CivilDate(2024, 1, 31), until: nil)
        _ = try await decree("94", "2/94", from: CivilDate(2025, 4, 16), until: nil, revokes: papua.id)

        let ours = try await gugus.coverageHistory()
        let sql = try await gugus.pool.query(PostgresQuery(unsafeSQL: Self.reference, bindings: {
            var bindings = PostgresBindings()
            bindings.append(CivilDate(2026, 12, 3))
            return bindings
        }())).decode((CivilDate, Int).self)
        #expect(ours.map { [$0.monthEnd.description, String($0.inForce)] } == sql.map { [$0.0.description, String($0.1)] })
        #expect(ours.last == CoveragePoint(monthEnd: CivilDate(2026, 12, 3), inForce: 5), "\(ours.suffix(3))")
        #expect(ours.count > 12)
    }
}
