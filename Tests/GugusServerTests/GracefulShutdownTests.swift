import AsyncHTTPClient
import Foundation
import GugusModel
import GugusTestSupport
import NIOHTTP1
import NIOCore
import Testing

/// SIGTERM, as systemd sends it on `systemctl stop` or a deploy: the server stops taking
/// connections at once, finishes the requests it has, and exits 0.
@Suite("Graceful shutdown of a live server", .timeLimit(.minutes(5)), .releasesResources)
struct GracefulShutdownTests {
    /// A roster of a thousand rows, sent in parts: the request is in flight for as long as the
    /// test needs, whatever the machine's speed.
    static let rows = 1_000

    @Test("a large CSV import in flight at SIGTERM completes with 200; new connections are refused; exit 0")
    func drainsInFlightRequests() async throws {
        try await Deployment.live(scheduler: true) { deployment in
            let server = try #require(deployment.server)
            let admin = deployment.admin
            #expect(try await admin.post("/v1/taskforces", ["region_code": "82"]).status == 201)
            #expect(try await admin.post("/v1/taskforces/82/decrees", [
                "number": "188.45/77/2026", "title": "tentang Pembentukan", "signed_on": "2026-01-05", "signer_name": "Rahmat Contoh",
                "signer_acting": false,
            ]).status == 201)

            // A large roster, sent in parts: the first part now, the rest only once the server
            // has been told to stop, so the request is surely in flight meanwhile.
            var csv = "nama;peran;jabatan;instansi;pokja\n"
            for row in 1...Self.rows {
                csv += "Anggota Uji \(row);anggota;Staf Pokja \(row % 3 + 1);Dinas Contoh \(row % 40) Provinsi Maluku Utara;\(row % 3 + 1)\n"
            }
            let body = Array(csv.utf8)
            let parts = stride(from: 0, to: body.count, by: body.count / 10 + 1).map { ByteBuffer(bytes: body[$0..<min($0 + body.count / 10 + 1, body.count)]) }
            let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
            continuation.yield(parts[0])

            var request = HTTPClientRequest(url: server.url + "/v1/taskforces/82/members/import")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(admin.token ?? "")")
            request.headers.add(name: "Content-Type", value: "text/csv; charset=utf-8")
            request.headers.add(name: "Accept-Language", value: "en")
            request.body = .stream(stream, length: .known(Int64(body.count)))
            let upload = request
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let inFlight = Task { try await admin.execute(upload, client: client) }

            // The server has the request (it logs each one as it arrives) …
            let path = "/v1/taskforces/82/members/import"
            #expect(try await eventually(within: .seconds(30)) { server.log.contains(path) }, "the import never reached the server:\n\(server.log)")
            // … when it is told to stop.
            server.terminate()
            #expect(try await eventually(within: .seconds(15)) { connectionRefused(port: server.port) }, "still accepting connections after SIGTERM")
            #expect(server.isRunning, "the server quit with a request in flight")

            for part in parts.dropFirst() { continuation.yield(part) }
            continuation.finish()
            let answer = try await inFlight.value
            try await client.shutdown()
            #expect(answer.status == 200, "\(answer)\n\(server.log.suffix(5000))")
            let report = try answer.object()
            #expect(report["rows"] as? Int == Self.rows)
            #expect(report["created"] as? Int == Self.rows)
            #expect(report["rolled_back"] as? Bool == false)

            let ended = await server.exit(within: .seconds(60))
            #expect(ended == ServerProcess.Termination(status: 0, bySignal: false), "\(ended.map(\.description) ?? "still running")\n\(server.log)")
            #expect(connectionRefused(port: server.port))
            #expect(!server.log.contains("Fatal error"), "\(server.log)")
        }
    }
}

/// Polls `condition` until it holds or the time is up.
func eventually(within timeout: Duration, every interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: interval)
    }
}
