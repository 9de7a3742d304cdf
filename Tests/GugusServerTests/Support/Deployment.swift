import Foundation
import GugusDatabase
import GugusModel
import GugusServer
import GugusTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Testing

/// A Gugus server on a database of its own, with one token for each role the tests play:
/// the secretariat (admin), the coordinators of Maluku Utara (82) and Kalimantan Barat (61),
/// and a public viewer. Most tests drive the server's router in this process, through
/// HummingbirdTesting (`with`); the few that need the real binary (signals, sockets, a
/// restarted database) start `gugus serve` (`live`).
struct Deployment: Sendable {
    static let adminName = "Sekretariat GTN"
    static let coordinator82Name = "Kanwil Maluku Utara"
    static let coordinator61Name = "Kanwil Kalimantan Barat"
    static let viewerName = "Dasbor publik"

    /// The four tokens' secrets.
    struct Tokens: Sendable {
        var admin: String
        var coordinator82: String
        var coordinator61: String
        var viewer: String
    }

    let databaseURL: String
    let tokens: Tokens
    let transport: API.Transport
    /// The real binary, for `live` deployments.
    let server: ServerProcess?

    var admin: API { API(transport, token: tokens.admin) }
    var coordinator82: API { API(transport, token: tokens.coordinator82) }
    var coordinator61: API { API(transport, token: tokens.coordinator61) }
    var viewer: API { API(transport, token: tokens.viewer) }
    /// No token at all.
    var anonymous: API { API(transport) }

    /// Any token, on this deployment.
    func api(token: String?) -> API { API(transport, token: token) }

    /// Runs `body` against the server's router in this process, on a new database.
    static func with<Result: Sendable>(_ body: @Sendable (Deployment) async throws -> Result) async throws -> Result {
        let databaseURL = try await TestDatabase.makeMigratedURL()
        return try await inProcess(databaseURL: databaseURL, tokens: nil, body)
    }

    /// Runs `body` against the router in this process, on a database and tokens made before
    /// (a deployment shared by several tests), or new tokens when `tokens` is nil.
    static func inProcess<Result: Sendable>(
        databaseURL: String, tokens: Tokens?, _ body: @Sendable (Deployment) async throws -> Result
    ) async throws -> Result {
        let pool = PostgresPool(configuration: try PostgresConfiguration.url(databaseURL), options: .init(maxConnections: 8))
        TestResources.register(pool)
        var logger = Logger(label: "gugus.test.server")
        logger.logLevel = .warning
        let app = Application(router: buildRouter(pool: pool, logger: logger), logger: logger)
        return try await app.test(.router) { client in
            let transport = API.Transport.router(client)
            let issued: Tokens
            if let tokens { issued = tokens } else { issued = try await issueTokens(over: transport, pool: pool) }
            return try await body(Deployment(databaseURL: databaseURL, tokens: issued, transport: transport, server: nil))
        }
    }

    /// Runs `body` against a real `gugus serve` on a new database and stops it afterwards,
    /// whatever happens.
    static func live<Result: Sendable>(scheduler: Bool = false, _ body: @Sendable (Deployment) async throws -> Result) async throws -> Result {
        let databaseURL = try await TestDatabase.makeMigratedURL()
        let server = try await ServerProcess.start(databaseURL: databaseURL, scheduler: scheduler)
        do {
            let transport = API.Transport.live(baseURL: server.url)
            let pool = PostgresPool(configuration: try PostgresConfiguration.url(databaseURL), options: .init(maxConnections: 1))
            TestResources.register(pool)
            let deployment = Deployment(
                databaseURL: databaseURL, tokens: try await issueTokens(over: transport, pool: pool), transport: transport, server: server)
            let result = try await body(deployment)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// The first admin token straight on the database, as `make run` issues it; the others
    /// through the API, as the secretariat does.
    static func issueTokens(over transport: API.Transport, pool: PostgresPool) async throws -> Tokens {
        let operator_ = DatabaseGugus(pool: pool, caller: .localOperator("test"))
        let admin = try await operator_.issueToken(NewToken(name: adminName, role: .admin)).secret
        let api = API(transport, token: admin)
        return Tokens(
            admin: admin,
            coordinator82: try #require(try await issue(by: api, role: "coordinator", region: "82", name: coordinator82Name).token),
            coordinator61: try #require(try await issue(by: api, role: "coordinator", region: "61", name: coordinator61Name).token),
            viewer: try #require(try await issue(by: api, role: "viewer", name: viewerName).token))
    }

    /// A new token through the API, and a client that uses it.
    static func issue(by admin: API, role: String, region: String? = nil, name: String) async throws -> API {
        var body: [String: Any] = ["role": role, "name": name]
        if let region { body["region_code"] = region }
        let answer = try await admin.post("/v1/tokens", body)
        #expect(answer.status == 201, "\(answer)")
        let secret = try #require(try answer.object()["secret"] as? String, "\(answer)")
        return API(admin.transport, token: secret)
    }

    func issue(role: String, region: String? = nil, name: String) async throws -> API {
        try await Self.issue(by: admin, role: role, region: region, name: name)
    }

    /// The API as one of the four roles.
    func api(_ role: Role) -> API {
        switch role {
        case .admin: admin
        case .coordinator82: coordinator82
        case .coordinator61: coordinator61
        case .viewer: viewer
        }
    }

    /// Who calls, in the authorisation matrix.
    enum Role: String, Sendable, CaseIterable, CustomStringConvertible {
        case admin
        case coordinator82 = "coordinator of 82"
        case coordinator61 = "coordinator of 61"
        case viewer

        var description: String { rawValue }

        var tokenName: String {
            switch self {
            case .admin: Deployment.adminName
            case .coordinator82: Deployment.coordinator82Name
            case .coordinator61: Deployment.coordinator61Name
            case .viewer: Deployment.viewerName
            }
        }

        /// How a refusal names this role's usual token.
        var refusalName: String { refusalName(tokenName) }
    }
}

/// The data most tests start from: the GTD of Maluku Utara (82) with its decree, a ketua with
/// an e-mail, a sekretaris with a phone number and an anggota, and a session ahead in
/// Ternate; and the GTD of Kalimantan Barat (61), with its own decree.
struct MalukuUtara: Sendable {
    static let taskForceName = "Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara"
    static let decreeNumber = "188.45/77/2026"
    static let ketuaEmail = "gubernur@malut.example.go.id"
    static let sekretarisPhone = "+6281100000103"

    let taskForceID: Int
    let decreeID: Int
    let ketuaID: Int
    let sekretarisID: Int
    let anggotaID: Int
    let sessionID: Int
    let taskForce61ID: Int

    static func seed(_ admin: API) async throws -> MalukuUtara {
        let created = try await admin.post("/v1/taskforces", ["region_code": "82"])
        #expect(created.status == 201, "\(created)")
        let decree = try await admin.post("/v1/taskforces/82/decrees", [
            "number": decreeNumber, "title": "tentang Pembentukan Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara",
            "place": "Sofifi", "signed_on": "2026-01-05", "effective_until": "2028-12-31", "signer_name": "Rahmat Contoh",
            "signer_acting": false,
        ])
        #expect(decree.status == 201, "\(decree)")
        let ketua = try await admin.post("/v1/taskforces/82/members", [
            "name": "Rahmat Contoh", "role": "ketua", "position": "Gubernur Maluku Utara",
            "institution": "Pemerintah Provinsi Maluku Utara", "email": ketuaEmail,
        ])
        #expect(ketua.status == 201, "\(ketua)")
        let sekretaris = try await admin.post("/v1/taskforces/82/members", [
            "name": "Yusuf Sampel", "role": "sekretaris", "position": "Kepala Kantor Wilayah Kementerian HAM Maluku Utara",
            "institution": "Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara", "phone": "0811-0000-0103",
        ])
        #expect(sekretaris.status == 201, "\(sekretaris)")
        let anggota = try await admin.post("/v1/taskforces/82/members", [
            "name": "Hasan Percontohan", "role": "anggota", "position": "Kepala Dinas Tenaga Kerja dan Transmigrasi",
            "institution": "Dinas Tenaga Kerja dan Transmigrasi Provinsi Maluku Utara", "working_group": 3,
        ])
        #expect(anggota.status == 201, "\(anggota)")
        let session = try await admin.post("/v1/taskforces/82/sessions", [
            "title": "Sosialisasi Strategi Nasional Bisnis dan HAM", "starts": "2027-03-10 09:00", "duration": "3h",
            "format": "sosialisasi", "mode": "luring", "venue": "Aula Gamalama, Ternate", "capacity": 40,
            "audiences": ["gtd_members", "companies"],
        ])
        #expect(session.status == 201, "\(session)")
        let other = try await admin.post("/v1/taskforces", ["region_code": "61"])
        #expect(other.status == 201, "\(other)")
        let otherDecree = try await admin.post("/v1/taskforces/61/decrees", [
            "number": "100/KALBAR/2026", "title": "tentang Pembentukan Gugus Tugas Daerah Bisnis dan HAM Provinsi Kalimantan Barat",
            "signed_on": "2026-02-01", "signer_name": "Gubernur Kalimantan Barat", "signer_acting": false,
        ])
        #expect(otherDecree.status == 201, "\(otherDecree)")
        return MalukuUtara(
            taskForceID: try created.object().id(), decreeID: try decree.object().id(), ketuaID: try ketua.object().id(),
            sekretarisID: try sekretaris.object().id(), anggotaID: try anggota.object().id(),
            sessionID: try session.object().id(), taskForce61ID: try other.object().id())
    }
}
