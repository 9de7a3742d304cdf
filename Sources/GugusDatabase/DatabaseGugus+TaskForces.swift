import Foundation
import GugusModel
import Postgres

extension DatabaseGugus {
    /// The regions on a level; `regency` means the regencies and the cities (kabupaten/kota),
    /// as `region list --level regency` promises.
    public func regions(level: Region.Level?) async throws -> [Region] {
        try await read { connection in
            try await connection.query("""
                SELECT code, name, level, parent_code, time_zone, zone_label, regencies, cities
                FROM region
                WHERE \(level?.rawValue)::text IS NULL OR level = \(level?.rawValue)
                   OR (\(level?.rawValue)::text = 'regency' AND level = 'city')
                ORDER BY code
                """).decode(as: Region.self)
        }
    }

    public func createTaskForce(_ input: NewTaskForce) async throws -> TaskForce {
        try caller.requireCreate(inRegion: input.regionCode)
        return try await write("taskforce.create") { connection in
            let region: Region?
            if let code = input.regionCode {
                region = try await Self.region(code, on: connection)
            } else {
                region = nil
            }
            if let existing = try await Self.findTaskForce(region.map { .region($0.code) } ?? .national, on: connection) {
                throw GugusError.conflict(Localized(
                    id: "\(region.map { "wilayah \($0.code) (\($0.name))" } ?? "tingkat nasional") sudah punya gugus tugas: \(existing.name) (id \(existing.id)); lihat `gugus taskforce show \(region?.code ?? "national")`",
                    en: "\(region.map { "region \($0.code) (\($0.name))" } ?? "the national level") already has a task force: \(existing.name) (id \(existing.id)); see `gugus taskforce show \(region?.code ?? "national")`"))
            }
            let periodID = try await Self.period(named: input.period, on: connection)
            let name = input.name?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty ?? Self.defaultName(for: region)
            let id = try await connection.query("""
                INSERT INTO task_force (level, region_code, name, period_id)
                VALUES (\(region == nil ? "national" : "regional"), \(region?.code), \(name), \(periodID))
                RETURNING id
                """).single()!.decode(Int64.self)
            return try await Self.taskForce(.id(id), on: connection)
        }
    }

    public func taskForces() async throws -> [TaskForce] {
        try await read { connection in
            try await connection.query(Self.taskForceSelect + " ORDER BY t.region_code NULLS FIRST").decode(as: TaskForce.self)
        }
    }

    public func taskForce(_ reference: TaskForceRef) async throws -> TaskForce {
        try await read { connection in try await Self.taskForce(reference, on: connection) }
    }

    // MARK: Lookups shared by the other operations

    static let taskForceSelect: PostgresQuery = """
        SELECT t.id, t.level, t.region_code, r.name AS region_name, t.name, p.name AS period,
               coalesce(r.time_zone, 'Asia/Jakarta') AS time_zone, coalesce(r.zone_label, 'WIB') AS zone_label
        FROM task_force t
        JOIN programme_period p ON p.id = t.period_id
        LEFT JOIN region r ON r.code = t.region_code
        """

    static func findTaskForce(_ reference: TaskForceRef, on connection: PostgresConnection) async throws -> TaskForce? {
        let condition: PostgresQuery = switch reference {
        case .national: " WHERE t.level = 'national'"
        case .region(let code): " WHERE t.region_code = \(code)"
        case .id(let id): " WHERE t.id = \(id)"
        }
        return try await connection.query(taskForceSelect + condition).single()?.decode(as: TaskForce.self)
    }

    /// The task force, or an error that says why there is none and what to do.
    static func taskForce(_ reference: TaskForceRef, on connection: PostgresConnection) async throws -> TaskForce {
        if let taskForce = try await findTaskForce(reference, on: connection) { return taskForce }
        switch reference {
        case .national:
            throw GugusError.notFound(Localized(
                id: "gugus tugas nasional belum dibuat; buat dengan `gugus taskforce create --national`",
                en: "the national task force does not exist yet; create it with `gugus taskforce create --national`"))
        case .region(let code):
            let region = try await self.region(code, on: connection)
            throw GugusError.notFound(Localized(
                id: "wilayah \(code) (\(region.name)) belum punya gugus tugas; buat dengan `gugus taskforce create --region \(code)`",
                en: "region \(code) (\(region.name)) has no task force yet; create it with `gugus taskforce create --region \(code)`"))
        case .id(let id):
            throw GugusError.notFound(Localized(
                id: "tidak ada gugus tugas dengan id \(id); lihat `gugus taskforce list`",
                en: "no task force with id \(id); see `gugus taskforce list`"))
        }
    }

    static func region(_ code: String, on connection: PostgresConnection) async throws -> Region {
        let found = try await connection.query("""
            SELECT code, name, level, parent_code, time_zone, zone_label, regencies, cities FROM region WHERE code = \(code)
            """).single()?.decode(as: Region.self)
        guard let found else {
            let message = Localized(
                id: "tidak ada wilayah '\(code)'; lihat `gugus region list`",
                en: "no region '\(code)'; see `gugus region list`")
            throw GugusError(.notFound, message, fieldErrors: [.init(field: "region", value: code, message: message)])
        }
        return found
    }

    /// The named programme period, or the latest one.
    static func period(named name: String?, on connection: PostgresConnection) async throws -> Int64 {
        if let name {
            if let id = try await connection.query("SELECT id FROM programme_period WHERE name = \(name)").single()?.decode(Int64.self) {
                return id
            }
            let known = try await connection.query("SELECT name FROM programme_period ORDER BY starts_on").decode(String.self)
            throw GugusError.invalid(field: "period", value: name, Localized(
                id: "periode '\(name)' tidak dikenal; pilih salah satu: \(known.joined(separator: ", "))",
                en: "unknown period '\(name)'; use one of: \(known.joined(separator: ", "))"))
        }
        return try await connection.query("SELECT id FROM programme_period ORDER BY starts_on DESC LIMIT 1").single()!.decode(Int64.self)
    }

    static func defaultName(for region: Region?) -> String {
        guard let region else { return "Gugus Tugas Nasional Bisnis dan HAM" }
        switch region.level {
        case .province: return "Gugus Tugas Daerah Bisnis dan HAM Provinsi \(region.name)"
        case .regency: return "Gugus Tugas Daerah Bisnis dan HAM Kabupaten \(region.name)"
        case .city: return "Gugus Tugas Daerah Bisnis dan HAM Kota \(region.name)"
        }
    }
}

extension String {
    /// nil for an empty string, so that `?? default` reads naturally.
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension CivilDate: PostgresCodable {
    public static var postgresType: PostgresType { .date }
    public var postgresText: String { description }
    public init(postgresText text: String) throws(PostgresDecodingError) {
        guard let date = CivilDate(text) else { throw PostgresDecodingError("not a date (YYYY-MM-DD)") }
        self = date
    }
}
