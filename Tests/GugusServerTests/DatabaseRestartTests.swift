import Foundation
import GugusModel
import GugusTestSupport
import PostgresCluster
import Synchronization
import Testing

/// PostgreSQL restarted under a running server (a failover, a minor upgrade): while it is
/// away the server answers 503 with Retry-After, never a 500 and never a crash, and once it
/// is back the same server process serves again within 5 seconds.
@Suite("PostgreSQL restarted under a live server", .timeLimit(.minutes(5)), .releasesResources)
struct DatabaseRestartTests {
    enum Phase: Sendable, Equatable { case up, down, restarting }

    struct Observation: Sendable {
        var started: Phase
        var ended: Phase
        var status: Int
        var contentType: String
        var retryAfter: String? = nil
        var code: String? = nil
        var detail: String? = nil
    }

    @Test("a client looping over GET /v1/status sees 503 while the database is down and 200 again within 5 s")
    func restartUnderLoad() async throws {
        // A private cluster of its own (a short path: the socket's must fit in 107 bytes).
        let home = URL(fileURLWithPath: "/tmp/gg-\(UUID().uuidString.prefix(6).lowercased())", isDirectory: true)
        let cluster = LocalCluster(home: home, databaseName: "gugus", durable: false)
        var server: ServerProcess?
        do {
            try await cluster.start()
            server = try await ServerProcess.start(databaseURL: cluster.url)
            try await exercise(try #require(server), cluster)
        } catch {
            await server?.stop()
            try? await cluster.destroy()
            throw error
        }
        await server?.stop()
        try? await cluster.destroy()
    }

    private func exercise(_ server: ServerProcess, _ cluster: LocalCluster) async throws {
        let issued = try await GugusCommand.run(["token", "issue", "--role", "admin", "--name", "Sekretariat GTN", "--json", "--database-url", cluster.url])
        #expect(issued.status == 0, "\(issued)")
        let admin = API(baseURL: server.url, token: try #require(try issued.object()["token"] as? String))
        #expect(try await admin.get("/v1/status").status == 200)

        // The client: GET /v1/status over and over, noting the phase at each request's start and end.
        let phase = Locked(Phase.up)
        let observations = Locked<[Observation]>([])
        let looping = Task {
            while !Task.isCancelled {
                let started = phase.withLock { $0 }
                let answer: Answer
                do {
                    answer = try await admin.get("/v1/status")
                } catch {
                    if Task.isCancelled { break }
                    // No answer at all (a refused or dropped connection) is a failure too.
                    let observation = Observation(
                        started: started, ended: phase.withLock { $0 }, status: -1, contentType: "", detail: "\(error)")
                    observations.withLock { $0.append(observation) }
                    continue
                }
                var problem: Problem?
                if answer.contentType == "application/problem+json" { problem = try? JSONDecoder().decode(Problem.self, from: answer.body) }
                let observation = Observation(
                    started: started, ended: phase.withLock { $0 }, status: answer.status, contentType: answer.contentType,
                    retryAfter: answer.header("Retry-After"), code: problem?.code, detail: problem?.detail)
                observations.withLock { $0.append(observation) }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }

        #expect(try await eventually(within: .seconds(30)) { observations.withLock { $0.contains { $0.status == 200 } } })
        try await cluster.stop()
        phase.withLock { $0 = .down }
        // Down for a while: long enough for a few dozen requests.
        #expect(try await eventually(within: .seconds(60)) {
            observations.withLock { $0.filter { $0.started == .down && $0.ended == .down }.count >= 20 }
        }, "the client loop stopped: \(observations.withLock { $0.suffix(5) })")
        let readyWhileDown = try await API(baseURL: server.url).get("/readyz")
        #expect(readyWhileDown.status == 503, "\(readyWhileDown)")
        #expect(readyWhileDown.header("Retry-After") != nil)

        phase.withLock { $0 = .restarting }
        try await cluster.start()
        // The requirement: serving again within 5 s of the database being back.
        let back = try await eventually(within: .seconds(5), every: .milliseconds(100)) {
            try await admin.get("/v1/status").status == 200
        }
        #expect(back, "no 200 within 5 s of PostgreSQL starting again:\n\(server.log.suffix(4000))")
        #expect(try await API(baseURL: server.url).get("/readyz").status == 200)
        looping.cancel()
        _ = await looping.result

        let seen = observations.withLock { $0 }
        // Never anything but a success or a 503; never a 500, whatever the timing.
        #expect(seen.allSatisfy { [200, 503].contains($0.status) }, "\(seen.filter { ![200, 503].contains($0.status) })")
        let whileDown = seen.filter { $0.started == .down && $0.ended == .down }
        #expect(whileDown.allSatisfy { $0.status == 503 }, "\(whileDown.filter { $0.status != 503 })")
        for unavailable in seen where unavailable.status == 503 {
            #expect(unavailable.contentType == "application/problem+json")
            #expect(unavailable.retryAfter == "5")
            #expect(unavailable.code == "unavailable")
            // The database's own words (its socket, its host) stay in the server's log.
            #expect(unavailable.detail == "the database cannot be reached right now; try again shortly", "\(unavailable)")
        }
        #expect(server.isRunning, "the server exited:\n\(server.log.suffix(4000))")
        #expect(!server.log.contains("Fatal error"), "\(server.log.suffix(4000))")
    }
}

/// A value shared between tasks, behind a lock.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
