import Foundation
import GugusModel
import GugusServer
import GugusTestSupport
import Hummingbird
import Logging
import Postgres
import Testing
import Yams

/// The router, the client's routes and docs/openapi.yaml name the same operations: a route
/// missing from the document, or a documented one with no handler, fails here, without Python.
@Suite("The API contract", .releasesResources)
struct ContractTests {
    /// `GET /v1/taskforces/{id}` for every operation the document describes.
    static func documented() throws -> Set<String> {
        let text = try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var operations: Set<String> = []
        for (path, item) in paths {
            let methods = try #require(item as? [String: Any], "\(path)")
            for method in methods.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test("every route the server registers is in docs/openapi.yaml, and every documented one has a handler")
    func routerMatchesDocument() throws {
        // The pool is never used: building the router connects to nothing.
        let pool = PostgresPool(configuration: try PostgresConfiguration.url("postgresql:///unused"))
        let router = buildRouter(pool: pool, logger: Logger(label: "gugus.test.contract"))
        let served = Set(router.routes.map { route in
            let path = route.path.description.split(separator: "/", omittingEmptySubsequences: false).map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }.joined(separator: "/")
            return "\(route.method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
        })
        let documented = try Self.documented()
        // The portal's pages are HTML for people, not the API; everything else is the contract.
        let servicePaths = Set(APIRoute.all.map(\.description).filter { !$0.contains(" /v1/") })
        let api = served.filter { $0.contains(" /v1/") || servicePaths.contains($0) }
        #expect(api.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
    }

    @Test("the client's routes (APIRoute) are the document's operations, each once")
    func clientRoutesMatchDocument() throws {
        let routes = APIRoute.all.map(\.description)
        #expect(Set(routes).count == routes.count)
        #expect(Set(routes) == (try Self.documented()))
    }
}
