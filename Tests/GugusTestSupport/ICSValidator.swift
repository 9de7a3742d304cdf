import Foundation

/// Runs `Tests/Support/validate_ics.py` on a rendered feed and decodes what it printed.
public enum ICSValidator {
    public struct Outcome: Sendable {
        public var status: Int32
        public var report: Report?
        public var stderr: String
    }

    /// The script's JSON output (snake_case keys).
    public struct Report: Decodable, Sendable {
        public struct Calendar: Decodable, Sendable {
            public var prodid: String
            public var method: String?
            public var name: String?
        }

        public struct Zone: Decodable, Sendable {
            public var tzid: String
            public var tznames: [String]
        }

        public struct Event: Decodable, Sendable {
            public var uid: String
            public var sequence: Int
            public var status: String?
            public var summary: String?
            public var description: String?
            public var location: String?
            public var url: String?
            public var startUtc: String?
            public var endUtc: String?
            public var startTzid: String?
            public var startOffsetSeconds: Int?
            public var dtstampUtc: String?
        }

        public var calendar: Calendar
        public var timezones: [Zone]
        public var events: [Event]
        public var problems: [String]
    }

    public static func validate(_ ics: String, expectedEvents: Int) async throws -> Outcome {
        let script = try scriptURL()
        let directory = try TestResources.folder("gugus-ics")

        let feed = directory.appendingPathComponent("feed.ics")
        try Data(ics.utf8).write(to: feed)
        // Files rather than pipes, so a chatty stderr can never fill a pipe and stall the script.
        let stdout = directory.appendingPathComponent("stdout.json")
        let stderr = directory.appendingPathComponent("stderr.txt")
        try Data().write(to: stdout)
        try Data().write(to: stderr)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, feed.path, "--events", String(expectedEvents)]
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }

        let output = try Data(contentsOf: stdout)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return Outcome(
            status: process.terminationStatus,
            report: try? decoder.decode(Report.self, from: output),
            stderr: String(decoding: try Data(contentsOf: stderr), as: UTF8.self))
    }

    static func scriptURL() throws -> URL {
        TestDatabase.repositoryRoot.appendingPathComponent("Tests/Support/validate_ics.py")
    }
}
