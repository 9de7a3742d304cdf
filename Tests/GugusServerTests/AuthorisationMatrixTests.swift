import Foundation
import GugusModel
import GugusTestSupport
import NIOHTTP1
import Testing

/// Every write endpoint, tried by every role against the task force of Maluku Utara (82):
/// the secretariat may, its own coordinator may (except for what is the secretariat's
/// alone), the coordinator of Kalimantan Barat (61) and a viewer are refused with a 403 that
/// names the token. Every write that happens is in the audit log under the token's name, and
/// a refused one leaves no trace there.
@Suite("Authorisation matrix", .timeLimit(.minutes(10)), .releasesResources)
struct AuthorisationMatrixTests {
    @Test("write endpoint × role", arguments: WriteEndpoint.allCases, Deployment.Role.allCases)
    func matrix(_ endpoint: WriteEndpoint, _ role: Deployment.Role) async throws {
        if endpoint == .createTaskForce {
            // Creating 82 needs a database where it does not exist yet.
            try await Deployment.with { deployment in
                try await check(endpoint, role, in: MatrixContext(deployment: deployment, seeded: nil))
            }
        } else {
            let shared = try await SharedDeployment.shared.context()
            try await Deployment.inProcess(databaseURL: shared.databaseURL, tokens: shared.tokens) { deployment in
                try await check(endpoint, role, in: MatrixContext(deployment: deployment, seeded: shared.seeded))
            }
        }
    }

    private func check(_ endpoint: WriteEndpoint, _ role: Deployment.Role, in context: MatrixContext) async throws {
        // A token of this case's own, so the audit log can be read for this case alone.
        let tokenName = "\(endpoint.action) by \(role) \(UUID().uuidString.prefix(6))"
        let caller = try await context.deployment.issue(role: role.tokenRole, region: role.region, name: tokenName)
        let answer = try await endpoint.attempt(by: caller, in: context)
        let audit = try await context.deployment.admin.wholeAuditLog()
        let entries = audit.filter { $0["actor"] as? String == tokenName }

        if endpoint.allows(role) {
            #expect(answer.status == endpoint.successStatus, "\(answer)")
            #expect(!entries.isEmpty, "no audit entry by '\(tokenName)'")
            #expect(entries.allSatisfy { $0["action"] as? String == endpoint.action }, "\(entries)")
        } else {
            #expect(answer.status == 403, "\(answer)")
            let problem = try answer.problem()
            #expect(problem.code == "forbidden")
            #expect(problem.detail == endpoint.refusal(for: role, tokenName: tokenName))
            #expect(entries.isEmpty, "a refused write left audit entries: \(entries)")
        }
    }
}

extension API {
    /// Every page of the audit log.
    func wholeAuditLog() async throws -> [[String: Any]] {
        var entries: [[String: Any]] = []
        var path = "/v1/audit?limit=1000"
        while true {
            let page = try await get(path)
            #expect(page.status == 200, "\(page)")
            entries += try page.items()
            guard let next = try page.object()["next_cursor"] as? String else { return entries }
            path = "/v1/audit?limit=1000&after=\(next)"
        }
    }
}

/// What a matrix case runs against.
struct MatrixContext: Sendable {
    let deployment: Deployment
    let seeded: MalukuUtara?

    var admin: API { deployment.admin }

    func seed() throws -> MalukuUtara { try #require(seeded) }
}

/// One database for the whole matrix, seeded once: each case prepares what it changes, so
/// the cases run in parallel without meeting, each through a router of its own.
actor SharedDeployment {
    struct Shared: Sendable {
        let databaseURL: String
        let tokens: Deployment.Tokens
        let seeded: MalukuUtara
    }

    static let shared = SharedDeployment()
    private var starting: Task<Shared, any Error>?

    func context() async throws -> Shared {
        if let starting { return try await starting.value }
        let task = Task {
            try await TestResources.shared {
                let databaseURL = try await TestDatabase.makeMigratedURL()
                return try await Deployment.inProcess(databaseURL: databaseURL, tokens: nil) { deployment in
                    Shared(databaseURL: databaseURL, tokens: deployment.tokens, seeded: try await MalukuUtara.seed(deployment.admin))
                }
            }
        }
        starting = task
        return try await task.value
    }
}

enum WriteEndpoint: String, CaseIterable, Sendable, CustomStringConvertible {
    case createTaskForce = "POST /v1/taskforces"
    case addDecree = "POST /v1/taskforces/{id}/decrees"
    case addMember = "POST /v1/taskforces/{id}/members"
    case importMembers = "POST /v1/taskforces/{id}/members/import"
    case endMember = "POST /v1/members/{id}/end"
    case scheduleSession = "POST /v1/taskforces/{id}/sessions"
    case rescheduleSession = "POST /v1/sessions/{id}/reschedule"
    case cancelSession = "POST /v1/sessions/{id}/cancel"
    case completeSession = "POST /v1/sessions/{id}/complete"
    case invite = "POST /v1/sessions/{id}/participants"
    case attend = "POST /v1/sessions/{id}/participants/{participant}/attend"
    case uninvite = "POST /v1/sessions/{id}/participants/{participant}/cancel"
    case addRule = "POST /v1/reminder-rules (task force 82)"
    case addSessionRule = "POST /v1/reminder-rules (one session of 82)"
    case addNationalRule = "POST /v1/reminder-rules (every task force)"
    case removeRule = "DELETE /v1/reminder-rules/{id}"
    case issueToken = "POST /v1/tokens"
    case revokeToken = "POST /v1/tokens/{id}/revoke"
    case exportPerson = "POST /v1/persons/export"
    case correctPerson = "POST /v1/persons/correct"
    case erasePerson = "POST /v1/persons/erase"
    case applyRetention = "POST /v1/persons/retention"

    var description: String { rawValue }

    /// The action the audit log records.
    var action: String {
        switch self {
        case .createTaskForce: "taskforce.create"
        case .addDecree: "decree.add"
        case .addMember: "member.add"
        case .importMembers: "member.import"
        case .endMember: "member.end"
        case .scheduleSession: "session.schedule"
        case .rescheduleSession: "session.reschedule"
        case .cancelSession: "session.cancel"
        case .completeSession: "session.complete"
        case .invite: "session.invite"
        case .attend: "session.attend"
        case .uninvite: "session.uninvite"
        case .addRule, .addSessionRule, .addNationalRule: "reminder.rule.add"
        case .removeRule: "reminder.rule.remove"
        case .issueToken: "token.issue"
        case .revokeToken: "token.revoke"
        case .exportPerson: "person.export"
        case .correctPerson: "person.correct"
        case .erasePerson: "person.erase"
        case .applyRetention: "person.retention"
        }
    }

    var successStatus: Int {
        switch self {
        case .createTaskForce, .addDecree, .addMember, .scheduleSession, .invite, .addRule, .addSessionRule, .addNationalRule, .issueToken: 201
        default: 200
        }
    }

    /// The secretariat's alone: tokens, and rules for every task force.
    var isAdministration: Bool {
        [.addNationalRule, .issueToken, .revokeToken, .exportPerson, .correctPerson, .erasePerson, .applyRetention].contains(self)
    }

    func allows(_ role: Deployment.Role) -> Bool {
        switch role {
        case .admin: true
        case .coordinator82: !isAdministration
        case .coordinator61, .viewer: false
        }
    }

    /// The 403's detail, which names the token.
    func refusal(for role: Deployment.Role, tokenName: String) -> String {
        let token = role.refusalName(tokenName)
        switch self {
        case .issueToken: return "\(token) may not issue tokens; that is for admins only"
        case .revokeToken: return "\(token) may not revoke tokens; that is for admins only"
        case .addNationalRule: return "\(token) may not add a reminder rule for every task force; that is for admins only"
        case .exportPerson: return "\(token) may not export personal data; that is for admins only"
        case .correctPerson: return "\(token) may not correct personal data; that is for admins only"
        case .erasePerson: return "\(token) may not erase personal data; that is for admins only"
        case .applyRetention: return "\(token) may not apply the personal-data retention; that is for admins only"
        case .createTaskForce: return "\(token) may not create the task force for 82"
        default:
            return role == .viewer
                ? "\(token) may only read status and public sessions"
                : "\(token) may change only its own region's task force, not \(MalukuUtara.taskForceName)"
        }
    }

    /// Prepares what the write changes (as the secretariat), then tries it as `caller`.
    func attempt(by caller: API, in context: MatrixContext) async throws -> Answer {
        let admin = context.admin
        let unique = String(UUID().uuidString.prefix(8))
        switch self {
        case .createTaskForce:
            return try await caller.post("/v1/taskforces", ["region_code": "82"])
        case .addDecree:
            return try await caller.post("/v1/taskforces/82/decrees", [
                "number": "188.45/\(unique)/2026", "title": "tentang Perubahan Susunan Keanggotaan", "signed_on": "2026-06-01",
                "signer_name": "Rahmat Contoh", "signer_acting": false, "amends_id": try context.seed().decreeID,
            ])
        case .addMember:
            return try await caller.post("/v1/taskforces/82/members", [
                "name": "Anggota \(unique)", "role": "anggota", "position": "Staf Ahli", "institution": "Bappeda Provinsi Maluku Utara",
            ])
        case .importMembers:
            let csv = "name,role,position,institution\nAnggota \(unique),anggota,Staf Ahli,Bappeda Provinsi Maluku Utara\n"
            return try await caller.send(.POST, "/v1/taskforces/82/members/import", body: Data(csv.utf8), contentType: "text/csv")
        case .endMember:
            let member = try await admin.post("/v1/taskforces/82/members", [
                "name": "Anggota \(unique)", "role": "anggota", "position": "Staf Ahli", "institution": "Bappeda Provinsi Maluku Utara",
            ])
            return try await caller.post("/v1/members/\(try member.object().id())/end", ["on": "2027-06-30", "reason": "mutasi"])
        case .scheduleSession:
            return try await caller.post("/v1/taskforces/82/sessions", Self.session(unique))
        case .rescheduleSession:
            let session = try await admin.post("/v1/taskforces/82/sessions", Self.session(unique))
            return try await caller.post("/v1/sessions/\(try session.object().id())/reschedule", ["starts": "2027-09-02 10:00"])
        case .cancelSession:
            let session = try await admin.post("/v1/taskforces/82/sessions", Self.session(unique))
            return try await caller.post("/v1/sessions/\(try session.object().id())/cancel", ["reason": "hujan lebat"])
        case .completeSession:
            let session = try await admin.post("/v1/taskforces/82/sessions", Self.session(unique))
            return try await caller.post("/v1/sessions/\(try session.object().id())/complete", ["notes": "selesai"])
        case .invite:
            let session = try await admin.post("/v1/taskforces/82/sessions", Self.session(unique))
            return try await caller.post("/v1/sessions/\(try session.object().id())/participants", [
                "name": "Tamu \(unique)", "email": "tamu-\(unique.lowercased())@example.org",
            ])
        case .attend, .uninvite:
            let session = try await admin.post("/v1/taskforces/82/sessions", Self.session(unique))
            let id = try session.object().id()
            let guest = try await admin.post("/v1/sessions/\(id)/participants", ["name": "Tamu \(unique)"])
            let participant = try #require(try guest.array().first).id()
            return try await caller.post("/v1/sessions/\(id)/participants/\(participant)/\(self == .attend ? "attend" : "cancel")", [:])
        case .addRule:
            return try await caller.post("/v1/reminder-rules", ["kind": "session", "offset": "1d", "task_force": "82", "channel": "log"])
        case .addSessionRule:
            let session = try await admin.post("/v1/taskforces/82/sessions", Self.session(unique))
            return try await caller.post("/v1/reminder-rules", [
                "kind": "session", "offset": "2h", "session_id": try session.object().id(), "channel": "log", "audience": "organizers",
            ])
        case .addNationalRule:
            return try await caller.post("/v1/reminder-rules", ["kind": "session", "offset": "3d", "channel": "log"])
        case .removeRule:
            let rule = try await admin.post("/v1/reminder-rules", ["kind": "session", "offset": "2h", "task_force": "82", "channel": "log"])
            return try await caller.delete("/v1/reminder-rules/\(try rule.object().id())")
        case .issueToken:
            return try await caller.post("/v1/tokens", ["role": "viewer", "name": "Dasbor \(unique)"])
        case .revokeToken:
            let issued = try await admin.post("/v1/tokens", ["role": "viewer", "name": "Dasbor \(unique)"])
            let id = try #require(try issued.object()["token"] as? [String: Any]).id()
            return try await caller.post("/v1/tokens/\(id)/revoke", [:])
        case .exportPerson:
            return try await caller.post("/v1/persons/export", ["member_id": try await Self.person(unique, admin: admin)])
        case .correctPerson:
            return try await caller.post("/v1/persons/correct", ["member_id": try await Self.person(unique, admin: admin), "phone": "0813-5555-0202"])
        case .erasePerson:
            return try await caller.post("/v1/persons/erase", [
                "member_id": try await Self.person(unique, admin: admin), "erase_name": true, "reason": "permintaan yang bersangkutan",
            ])
        case .applyRetention:
            return try await caller.post("/v1/persons/retention", ["dry_run": false])
        }
    }

    /// A member of 82 of this case's own, with contact details, for the personal-data rights.
    private static func person(_ unique: String, admin: API) async throws -> Int {
        let member = try await admin.post("/v1/taskforces/82/members", [
            "name": "Anggota \(unique)", "role": "anggota", "position": "Staf Ahli", "institution": "Bappeda Provinsi Maluku Utara",
            "email": "anggota-\(unique.lowercased())@malutprov.go.id", "phone": "0812-5555-0101",
        ])
        return try member.object().id()
    }

    private static func session(_ unique: String) -> [String: Any] {
        [
            "title": "Sosialisasi \(unique)", "starts": "2027-09-01 09:00", "duration": "2h", "format": "sosialisasi",
            "mode": "luring", "venue": "Aula \(unique), Ternate", "audiences": [],
        ]
    }
}

extension Deployment.Role {
    var tokenRole: String {
        switch self {
        case .admin: "admin"
        case .coordinator82, .coordinator61: "coordinator"
        case .viewer: "viewer"
        }
    }

    var region: String? {
        switch self {
        case .coordinator82: "82"
        case .coordinator61: "61"
        case .admin, .viewer: nil
        }
    }

    /// How a refusal names a token of this role.
    func refusalName(_ name: String) -> String {
        switch self {
        case .admin: "token '\(name)' (admin)"
        case .coordinator82: "token '\(name)' (coordinator for 82)"
        case .coordinator61: "token '\(name)' (coordinator for 61)"
        case .viewer: "token '\(name)' (viewer)"
        }
    }
}
