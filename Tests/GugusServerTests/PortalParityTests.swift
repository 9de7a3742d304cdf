import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// Issue 12's parity: the same coordinator's work done once in the portal (Maluku Utara,
/// 82) and once with the `gugus` binary (Maluku, 81, the same zone), on one database, leaves
/// the same records: the `--json` of status, members and sessions agree once ids, times of
/// writing and the region's own names are set aside.
@Suite("Portal: the same work through the portal and through the CLI leaves the same records", .releasesResources)
struct PortalParityTests {
    static func roster(_ region: String) -> String {
        """
        nama,peran,jabatan,instansi,email
        Budi Santoso,anggota,Kepala Dinas Tenaga Kerja,Pemerintah Provinsi,budi@r\(region).example.go.id
        Maria Ulfa,wakil_sekretaris,Kepala Dinas Lingkungan Hidup,Pemerintah Provinsi,maria@r\(region).example.go.id

        """
    }

    static let decree = (number: "188.45/GTD/2026", title: "tentang Pembentukan GTD BHAM", signedOn: "2026-01-05", until: "2028-12-31")

    /// The work in the browser, as a coordinator of 82 does it.
    static func throughPortal(_ portal: PortalDeployment) async throws {
        let browser = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
        let csrf = try #require(try await browser.get("/regions/82/decrees/new").csrf)
        let decree = try await browser.postMultipart("/regions/82/decrees", [
            "csrf": csrf, "number": Self.decree.number, "title": Self.decree.title, "signed_on": Self.decree.signedOn,
            "signer": "Gubernur", "effective_until": Self.decree.until,
        ])
        #expect(decree.status == 303, "\(decree)")
        let member = try await browser.post("/regions/82/members", [
            "csrf": csrf, "name": "Siti Rahma", "role": "sekretaris", "position": "Kepala Kanwil", "institution": "Kanwil Kementerian HAM",
            "email": "siti@r82.example.go.id",
        ])
        #expect(member.status == 303, "\(member)")
        let preview = try await browser.postMultipart("/regions/82/members/import", ["csrf": csrf], files: ["roster": ("a.csv", "text/csv", Self.roster("82"))])
        let confirmation = try ["csv", "fingerprint"].reduce(into: ["csrf": csrf]) { fields, name in
            fields[name] = String(try #require(preview.html.firstMatch(of: try Regex("name=\"\(name)\" value=\"([^\"]*)\""))?.output[1].substring))
        }
        #expect(try await browser.post("/regions/82/members/import/confirm", confirmation).status == 303)
        let session = try await browser.post("/regions/82/sessions", [
            "csrf": csrf, "title": "Sosialisasi Stranas BHAM", "format": "sosialisasi", "date": "2030-03-04", "time": "09.00",
            "duration": "3h", "mode": "luring", "venue": "Aula Kantor Gubernur",
        ])
        let path = try #require(session.location?.split(separator: "?").first).description
        #expect(try await browser.post(path + "/invite", ["csrf": csrf, "all": "1"]).status == 303)
        let checkIn = try await browser.get(path + "/check-in")
        // The list is by name: Budi Santoso is first.
        let first = try #require(checkIn.html.firstMatch(of: /action="(\/sessions\/\d+\/check-in\/\d+)"/)?.1)
        #expect(try await browser.post(String(first), ["csrf": csrf]).status == 303)
    }

    /// The same work with the CLI, as a coordinator of 81 does it.
    static func throughCLI(_ gugus: ([String]) async throws -> GugusExecutable.Run) async throws {
        func run(_ arguments: String...) async throws -> GugusExecutable.Run {
            let result = try await gugus(arguments)
            #expect(result.status == 0, "gugus \(arguments.joined(separator: " ")): \(result)")
            return result
        }
        _ = try await run("taskforce", "create", "--region", "81")
        _ = try await run("decree", "add", "--taskforce", "81", "--number", Self.decree.number, "--title", Self.decree.title,
                          "--signed-on", Self.decree.signedOn, "--signer", "Gubernur", "--effective-until", Self.decree.until)
        _ = try await run("member", "add", "--taskforce", "81", "--name", "Siti Rahma", "--role", "sekretaris", "--position", "Kepala Kanwil",
                          "--institution", "Kanwil Kementerian HAM", "--email", "siti@r81.example.go.id")
        let file = try TestResources.folder("gugus-parity").appendingPathComponent("anggota.csv")
        try Data(Self.roster("81").utf8).write(to: file)
        _ = try await run("member", "import", "--taskforce", "81", file.path)
        let session = try await run("session", "schedule", "--taskforce", "81", "--title", "Sosialisasi Stranas BHAM",
                                    "--starts", "2030-03-04 09:00", "--duration", "3h", "--venue", "Aula Kantor Gubernur", "--json").object()
        let id = String(describing: try #require(session["id"]))
        _ = try await run("session", "invite", id, "--all-members")
        let participants = try #require(try await run("session", "show", id, "--json").object()["participant_list"] as? [[String: Any]])
        let budi = try #require(participants.first { $0["name"] as? String == "Budi Santoso" }?["id"])
        _ = try await run("session", "attend", id, "--participant", String(describing: budi))
    }

    /// A record with what differs by nature set aside: ids, times of writing, the region's
    /// code and names, and the region in e-mail addresses.
    static func normalized(_ value: Any, region: String) -> Any {
        let volatile: Set<String> = [
            "id", "created_at", "updated_at", "checked_in_at", "last_activity", "region_code", "region_name", "task_force_name", "name_of_region",
        ]
        switch value {
        case let object as [String: Any]:
            return object.filter { key, _ in !volatile.contains(key) && !key.hasSuffix("_id") }
                .mapValues { normalized($0, region: region) }
        case let array as [Any]:
            return array.map { normalized($0, region: region) }
        case let text as String:
            return text.replacingOccurrences(of: "r\(region).", with: "rX.").replacingOccurrences(of: "Maluku Utara", with: "Maluku")
        default:
            return value
        }
    }

    static func json(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
    }

    @Test("decree, members one by one and imported, a session with invitations and a check-in: portal and CLI agree")
    func parity() async throws {
        try await PortalDeployment.with { portal in
            try await Self.throughPortal(portal)
            let environment = GugusExecutable.cleanEnvironment()
            let cli = { (arguments: [String]) in try await GugusExecutable.run(arguments + ["--database-url", portal.databaseURL], environment: environment) }
            try await Self.throughCLI(cli)
            let expected = [["status", "--region"]: "\"established\"", ["member", "list", "--taskforce"]: "Maria Ulfa",
                            ["session", "list", "--taskforce"]: "Sosialisasi Stranas BHAM"]
            for (command, sample) in expected {
                let portalSide = try await cli(command + ["82", "--json"])
                let cliSide = try await cli(command + ["81", "--json"])
                #expect(portalSide.status == 0 && cliSide.status == 0, "\(portalSide) \(cliSide)")
                let ours = try Self.json(Self.normalized(try JSONSerialization.jsonObject(with: Data(portalSide.stdout.utf8)), region: "82"))
                let theirs = try Self.json(Self.normalized(try JSONSerialization.jsonObject(with: Data(cliSide.stdout.utf8)), region: "81"))
                #expect(ours == theirs, "gugus \(command.joined(separator: " ")): portal\n\(ours)\nCLI\n\(theirs)")
                #expect(ours.contains(sample), "the records were compared, not emptied by the normalization: \(ours)")
            }
        }
    }
}
