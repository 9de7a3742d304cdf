import Foundation
@testable import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// The schema holds the rules when the operations' own checks are bypassed (two requests
/// racing, or SQL written by hand); its refusals reach users as sentences, never raw.
@Suite("Constraint messages", .releasesResources)
struct ConstraintMessagesTests {
    @Test("the schema's refusals become the messages of the rules they enforce")
    func schemaRefusals() async throws {
        let gugus = try await TestDatabase.gugus(clock: clock(at: CivilDate(2025, 6, 1)))
        let (taskForce, decree) = try await MalukuUtara.establish(gugus)
        let ketua = try await gugus.addMember(MalukuUtara.governor())
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "81"))
        let maluku = try await gugus.addDecree(MalukuUtara.decree(number: "188.4/77/2024", taskForce: .region("81")))

        func refusal(_ sql: PostgresQuery) async -> GugusError? {
            await #expect(throws: GugusError.self) {
                try await gugus.write("test") { connection in try await connection.execute(sql) }
            }
        }

        let overlap = await refusal("""
            INSERT INTO decree (task_force_id, kind, issuing_region_code, number, title, signed_on, effective_from, signer_name)
            VALUES (\(taskForce.id), 'governor', '82', 'X/2025', 'tentang X', '2025-01-01', '2025-01-01', 'Gubernur')
            """)
        #expect(overlap?.kind == .conflict)
        #expect(overlap?.message.en == "an establishing decree is already in force on overlapping dates; revoke the old one with --revokes ID")

        let number = await refusal("""
            INSERT INTO decree (task_force_id, kind, issuing_region_code, number, title, signed_on, effective_from, signer_name, amends_id)
            VALUES (\(taskForce.id), 'governor', '82', ' 188.45/123/2024', 'tentang X', '2024-06-01', '2024-06-01', 'Gubernur', \(decree.id))
            """)
        #expect(number?.kind == .conflict)
        #expect(number?.message.en == "this decree number is already registered for the same region, year and kind")

        let term = await refusal("""
            INSERT INTO decree (task_force_id, kind, issuing_region_code, number, title, signed_on, effective_from, effective_until, signer_name, amends_id)
            VALUES (\(taskForce.id), 'governor', '82', 'Y/2024', 'tentang Y', '2024-06-01', '2024-06-01', '2024-05-31', 'Gubernur', \(decree.id))
            """)
        #expect(term?.kind == .invalid)
        #expect(term?.message.en == "the end of term must be on or after the effective date")

        let ketuaAgain = await refusal("""
            WITH acting AS (INSERT INTO person (name) VALUES ('Samsuddin Contoh') RETURNING id)
            INSERT INTO membership (task_force_id, person_id, institution_id, position, role, valid_from)
            SELECT \(taskForce.id), acting.id, (SELECT institution_id FROM membership WHERE id = \(ketua.id)), 'Pj. Gubernur', 'ketua', '2026-01-01'
            FROM acting
            """)
        #expect(ketuaAgain?.kind == .conflict)
        #expect(ketuaAgain?.message.en == "this task force already has a ketua on those dates; end the old ketua's membership first with `gugus member end`")

        let foreign = await refusal("""
            UPDATE membership SET decree_id = \(maluku.id) WHERE id = \(ketua.id)
            """)
        #expect(foreign?.kind == .invalid)
        #expect(foreign?.message.en == "the appointing decree must belong to the same task force")

        let badDate = await refusal("SELECT '2024-02-30'::date")
        #expect(badDate?.kind == .invalid)
        #expect(badDate?.message.en.hasPrefix("invalid value: ") == true)
        #expect(badDate?.message.en.contains("2024-02-30") == true)
    }

    @Test("two ketua added at once: one wins, the other is told why")
    func ketuaRace() async throws {
        let gugus = try await TestDatabase.gugus(clock: clock(at: CivilDate(2025, 6, 1)))
        try await MalukuUtara.establish(gugus)
        let results = await withTaskGroup(of: GugusError?.self) { group in
            for name in ["Rahmat Contoh", "Samsuddin Contoh", "Abdul Fiktif"] {
                group.addTask {
                    var input = MalukuUtara.governor()
                    input.name = name
                    input.email = nil
                    do {
                        _ = try await gugus.addMember(input)
                        return nil
                    } catch let error as GugusError {
                        return error
                    } catch {
                        return GugusError(.internal, Localized(verbatim: "\(error)"))
                    }
                }
            }
            return await group.reduce(into: [GugusError?]()) { $0.append($1) }
        }
        let refusals = results.compactMap { $0 }
        #expect(refusals.count == 2)
        for refusal in refusals {
            #expect(refusal.kind == .conflict)
            let named = refusal.message.en.hasPrefix("task force 82 already has a ketua: ")
            let fromConstraint = refusal.message.en == "this task force already has a ketua on those dates; end the old ketua's membership first with `gugus member end`"
            #expect(named || fromConstraint, "unexpected message: \(refusal.message.en)")
        }
        #expect(try await count("membership", in: gugus, where: "role = 'ketua'") == 1)
    }
}
