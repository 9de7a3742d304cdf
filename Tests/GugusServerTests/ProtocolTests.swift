import Foundation
import GugusModel
import NIOHTTP1
import GugusTestSupport
import Postgres
import Testing

/// What every request meets before an operation runs: the service paths, tokens (missing,
/// malformed, unknown, revoked, expired), unknown paths, malformed bodies and the language.
@Suite("Service paths, tokens and malformed requests", .timeLimit(.minutes(5)), .releasesResources)
struct ProtocolTests {
    @Test("healthz, readyz, metrics and the OpenAPI document need no token")
    func servicePaths() async throws {
        // The real binary: its metrics are bootstrapped at start, as in production.
        try await Deployment.live { deployment in
            let anonymous = deployment.anonymous
            let health = try await anonymous.get("/healthz")
            #expect(health.status == 200, "\(health)")
            #expect(health.text == "ok\n")
            let ready = try await anonymous.get("/readyz")
            #expect(ready.status == 200, "\(ready)")
            #expect(ready.text == "ready\n")

            _ = try await deployment.viewer.get("/v1/status")
            let metrics = try await anonymous.get("/metrics")
            #expect(metrics.status == 200, "\(metrics)")
            #expect(metrics.contentType.hasPrefix("text/plain; version=0.0.4"))
            #expect(metrics.text.contains("gugus_db_pool_connections"), "\(metrics.text.prefix(2000))")
            #expect(metrics.text.contains("gugus_reminders{status=\"pending\"}"), "\(metrics.text.prefix(2000))")
            #expect(metrics.text.contains("hb_requests"), "request counts per route: \(metrics.text.prefix(2000))")

            let document = try await anonymous.get("/openapi.yaml")
            #expect(document.status == 200, "\(document)")
            #expect(document.contentType == "application/yaml; charset=utf-8")
            #expect(document.text.hasPrefix("openapi: 3.1"), "\(document.text.prefix(200))")
            #expect(document.text.contains("/v1/taskforces/{id}/members/import:"))
        }
    }

    @Test("no token, a malformed header, an unknown, a revoked and an expired token: 401 with WWW-Authenticate")
    func unauthorised() async throws {
        try await Deployment.with { deployment in
            func refused(_ answer: Answer, _ detail: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                #expect(answer.status == 401, "\(answer)", sourceLocation: sourceLocation)
                #expect(answer.header("WWW-Authenticate") == "Bearer realm=\"gugus\"", "\(answer)", sourceLocation: sourceLocation)
                #expect(answer.header("X-Request-ID")?.isEmpty == false, "the id of the server's log lines: \(answer.headers)", sourceLocation: sourceLocation)
                let problem = try answer.problem()
                #expect(problem.code == "unauthorized", sourceLocation: sourceLocation)
                #expect(problem.detail == detail, sourceLocation: sourceLocation)
            }
            let anonymous = deployment.anonymous
            try refused(try await anonymous.get("/v1/status"), "this request needs a token: send the header Authorization: Bearer TOKEN")
            try refused(try await anonymous.post("/v1/taskforces", ["region_code": "82"]), "this request needs a token: send the header Authorization: Bearer TOKEN")
            try refused(
                try await anonymous.get("/v1/status", headers: [("Authorization", "Basic YWRtaW46YWRtaW4=")]),
                "the Authorization header must read 'Bearer TOKEN'")
            try refused(try await anonymous.get("/v1/status", headers: [("Authorization", "Bearer ")]), "the Authorization header must read 'Bearer TOKEN'")
            try refused(
                try await deployment.api(token: "gugus_not-a-real-token").get("/v1/status"),
                "unknown token; ask the national secretariat for one")

            // Revoked: refused at once, by name.
            let temporary = try await deployment.issue(role: "viewer", name: "Magang")
            #expect(try await temporary.get("/v1/status").status == 200)
            let tokens = try await deployment.admin.get("/v1/tokens").items()
            let id = try #require(tokens.first { $0["name"] as? String == "Magang" }).id()
            #expect(try await deployment.admin.post("/v1/tokens/\(id)/revoke", [:]).status == 200)
            try refused(try await temporary.get("/v1/status"), "token 'Magang' has been revoked")

            // Expired: the expiry moved into the past, as time would.
            let expiring = try await deployment.issue(role: "coordinator", region: "82", name: "Kanwil lama")
            #expect(try await expiring.get("/v1/status").status == 200)
            let connection = try await PostgresConnection.connect(try PostgresConfiguration.url(deployment.databaseURL))
            try await connection.withTransaction { connection in
                try await connection.execute("SELECT set_config('gugus.actor', 'test: a year passes', true)")
                try await connection.execute("UPDATE api_token SET expires_at = now() - interval '1 minute' WHERE name = 'Kanwil lama'")
            }
            await connection.close()
            try refused(try await expiring.get("/v1/status"), "token 'Kanwil lama' has expired")
            try refused(try await expiring.post("/v1/taskforces", ["region_code": "82"]), "token 'Kanwil lama' has expired")

            // In Indonesian when asked for.
            var indonesian = deployment.anonymous
            indonesian.language = "id-ID"
            let inIndonesian = try await indonesian.get("/v1/status")
            #expect(inIndonesian.status == 401)
            #expect(try inIndonesian.problem().detail == "permintaan ini perlu token: kirim header Authorization: Bearer TOKEN", "\(inIndonesian)")
        }
    }

    @Test("unknown paths and methods are 404 problem+json; malformed JSON is 400; a wrong shape is 422")
    func malformedRequests() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            for path in ["/v1/nothing-here", "/nothing-here", "/v1/taskforces/82/unknown"] {
                let unknown = try await admin.get(path)
                #expect(unknown.status == 404, "\(path): \(unknown)")
                let problem = try unknown.problem()
                #expect(problem.detail == "no such path in the API; see /openapi.yaml", "\(path)")
                #expect(problem.code == "not_found")
                #expect(problem.type == "https://gugus.stranas-bham.id/problems/not-found")
                #expect(problem.title == "Not Found")
            }
            let wrongMethod = try await admin.delete("/v1/taskforces")
            #expect(wrongMethod.status == 404 || wrongMethod.status == 405, "\(wrongMethod)")
            #expect(try wrongMethod.problem().code != "internal")

            let broken = try await admin.send(.POST, "/v1/taskforces", body: Data("{\"region_code\": \"82\"".utf8), contentType: "application/json")
            #expect(broken.status == 400, "\(broken)")
            let brokenProblem = try broken.problem()
            #expect(brokenProblem.detail == "the request body is not valid JSON")
            #expect(brokenProblem.errors.map(\.field) == ["body"])
            #expect(brokenProblem.code == "invalid")

            let array = try await admin.send(.POST, "/v1/taskforces", body: Data("[\"82\"]".utf8), contentType: "application/json")
            #expect(array.status == 400, "\(array)")
            #expect(try array.problem().detail == "the request body must be a JSON object", "\(array)")

            let brokenSession = try await admin.send(.POST, "/v1/sessions/1/participants", body: Data("{member_id: 1}".utf8), contentType: "application/json")
            #expect(brokenSession.status == 400, "\(brokenSession)")
            #expect(try brokenSession.problem().detail == "the request body is not valid JSON", "\(brokenSession)")

            let wrongType = try await admin.post("/v1/taskforces/82/members", ["name": ["Rahmat"], "role": "ketua", "position": "x", "institution": "y"])
            #expect(wrongType.status == 422, "\(wrongType)")
            #expect(try wrongType.problem().errors.map(\.field) == ["name"], "\(wrongType)")

            let huge = Data(repeating: UInt8(ascii: " "), count: 2 * 1024 * 1024)
            let tooLarge = try await admin.send(.POST, "/v1/taskforces", body: huge, contentType: "application/json")
            #expect(tooLarge.status == 413, "\(tooLarge)")
            #expect(try tooLarge.problem().code != "internal")

            // Nothing above changed anything.
            #expect(try await admin.get("/v1/taskforces").items().isEmpty)
        }
    }
}
