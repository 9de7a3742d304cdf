import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres

/// The seed scenario's facts: the GTD of Maluku Utara (82), established by a Keputusan
/// Gubernur signed in Sofifi in 2024 and in force until the end of 2025. The names are
/// made up, as in docs/examples.
enum MalukuUtara {
    static let code = "82"
    static let decreeNumber = "188.45/123/2024"
    static let signedOn = CivilDate(2024, 3, 1)
    static let until = CivilDate(2025, 12, 31)
    static let defaultName = "Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara"

    static func decree(
        number: String = decreeNumber, signedOn: CivilDate = signedOn, effectiveFrom: CivilDate? = nil,
        until: CivilDate? = until, revokes: Int64? = nil, amends: Int64? = nil, taskForce: TaskForceRef = .region(code)
    ) -> NewDecree {
        NewDecree(
            taskForce: taskForce, number: number,
            title: "tentang Pembentukan Gugus Tugas Daerah Bisnis dan Hak Asasi Manusia Provinsi Maluku Utara",
            place: "Sofifi", signedOn: signedOn, effectiveFrom: effectiveFrom, effectiveUntil: until,
            signerName: "Rahmat Contoh", signerTitle: "Gubernur Maluku Utara", amendsId: amends, revokesId: revokes)
    }

    /// The task force and its decree.
    @discardableResult
    static func establish(_ gugus: some Gugus) async throws -> (TaskForce, Decree) {
        let taskForce = try await gugus.createTaskForce(NewTaskForce(regionCode: code))
        let decree = try await gugus.addDecree(decree())
        return (taskForce, decree)
    }

    static func governor(_ taskForce: TaskForceRef = .region(code)) -> NewMember {
        NewMember(
            taskForce: taskForce, name: "Rahmat Contoh", role: .ketua, position: "Gubernur Maluku Utara",
            institution: "Pemerintah Provinsi Maluku Utara", email: try? EmailAddress(parsing: "gubernur@example.go.id"))
    }

    static func kanwilHead(_ taskForce: TaskForceRef = .region(code)) -> NewMember {
        NewMember(
            taskForce: taskForce, name: "Yusuf Sampel", role: .sekretaris,
            position: "Kepala Kantor Wilayah Kementerian HAM Maluku Utara",
            institution: "Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara",
            email: try? EmailAddress(parsing: "kakanwil.malut@example.go.id"),
            phone: try? PhoneNumber(parsing: "0811-0000-0103"))
    }

    static func agencyHead(_ name: String, _ agency: String, email: String? = nil, workingGroup: Int? = nil) -> NewMember {
        NewMember(
            taskForce: .region(code), name: name, role: .anggota, position: "Kepala \(agency)",
            institution: "\(agency) Provinsi Maluku Utara", email: email.flatMap { try? EmailAddress(parsing: $0) },
            workingGroup: workingGroup)
    }
}

/// A clock stopped at noon of a date in a zone, for "today".
func clock(at date: CivilDate, hour: Int = 12, in zone: String = "Asia/Jayapura") -> @Sendable () -> Date {
    let instant = date.start(in: TimeZone(identifier: zone)!).addingTimeInterval(Double(hour) * 3600)
    return { instant }
}

/// A raw SQL count, for checking what a refused operation left behind.
func count(_ table: String, in gugus: DatabaseGugus, where condition: String = "true") async throws -> Int {
    try await gugus.pool.query("SELECT count(*) FROM \(unsafeSQL: table) WHERE \(unsafeSQL: condition)").single()!.decode(Int.self)
}
