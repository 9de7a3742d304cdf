import Foundation
import GugusTestSupport
import Testing

/// A live server on a database of its own, with one token for each role the tests play:
/// the secretariat (admin), the coordinators of Maluku Utara (82) and Kalimantan Barat (61),
/// and a public viewer.
struct Deployment: Sendable {
    static let adminName = "Sekretariat GTN"
    static let coordinator82Name = "Kanwil Maluku Utara"
    static let coordinator61Name = "Kanwil Kalimantan Barat"
    static let viewerName = "Dasbor publik"

    let server: ServerProcess
    let admin: API
    let coordinator82: API
    let coordinator61: API
    let viewer: API

    /// No token at all.
    var anonymous: API { API(baseURL: server.url) }

    /// Runs `body` against a new deployment and stops its server afterwards, whatever happens.
    static func with<Result: Sendable>(scheduler: Bool = false, _ body: (Deployment) async throws -> Result) async throws -> Result {
        let deployment = try await start(scheduler: scheduler)
        do {
            let result = try await body(deployment)
            await deployment.server.stop()
            return result
        } catch {
            await deployment.server.stop()
            throw error
        }
    }

    static func start(scheduler: Bool = false) async throws -> Deployment {
        let databaseURL = try await TestDatabase.makeMigratedURL()
        let server = try await ServerProcess.start(databaseURL: databaseURL, scheduler: scheduler)
        do {
            // The first admin token comes from the CLI on the database, as in `make run`.
            let issued = try await GugusCommand.run(
                ["token", "issue", "--role", "admin", "--name", adminName, "--json", "--database-url", databaseURL])
            #expect(issued.status == 0, "\(issued)")
            let secret = try #require(try issued.object()["token"] as? String, "\(issued)")
            let admin = API(baseURL: server.url, token: secret)
            return Deployment(
                server: server, admin: admin,
                coordinator82: try await issue(by: admin, role: "coordinator", region: "82", name: coordinator82Name),
                coordinator61: try await issue(by: admin, role: "coordinator", region: "61", name: coordinator61Name),
                viewer: try await issue(by: admin, role: "viewer", name: viewerName))
        } catch {
            await server.stop()
            throw error
        }
    }

    /// A new token through the API, and a client that uses it.
    static func issue(by admin: API, role: String, region: String? = nil, name: String) async throws -> API {
        var body: [String: Any] = ["role": role, "name": name]
        if let region { body["region_code"] = region }
        let answer = try await admin.post("/v1/tokens", body)
        #expect(answer.status == 201, "\(answer)")
        let secret = try #require(try answer.object()["secret"] as? String, "\(answer)")
        return API(baseURL: admin.baseURL, token: secret)
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
