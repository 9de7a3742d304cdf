import Foundation
import Postgres
import Synchronization
import Testing

/// What a test makes that outlives its statements (databases, pools, folders), released when
/// the test ends, whether it passed or not.
///
/// `TestDatabase` and `TestResources.folder(_:)` register what they make with the current
/// test's resources; the `.releasesResources` trait, on every suite, gives each test its own
/// and releases them after it. A test run without the trait leaves its databases behind, and
/// the next test process on the same server drops them (`TestDatabase` names each database
/// after the process that made it).
public final class TestResources: Sendable {
    @TaskLocal public static var current: TestResources?

    private struct Held {
        var databases: [String] = []
        var pools: [PostgresPool] = []
        var folders: [URL] = []
    }
    private let held = Mutex(Held())

    init() {}

    func register(database name: String) {
        held.withLock { $0.databases.append(name) }
    }

    /// Closes `pool` when the test ends, before its database is dropped.
    public static func register(_ pool: PostgresPool) {
        current?.held.withLock { $0.pools.append(pool) }
    }

    /// Runs `body` for a fixture that several tests share: what it makes is registered with
    /// no test, and lives as long as the test process (on `make test`'s throwaway cluster).
    public static func shared<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        try await $current.withValue(nil) { try await body() }
    }

    /// A new empty folder under the system's temporary folder, removed when the test ends.
    public static func folder(_ prefix: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        current?.held.withLock { $0.folders.append(folder) }
        return folder
    }

    /// Closes the pools, drops the databases and removes the folders. Failures are reported
    /// as test issues: a resource that cannot be released is a defect of the test.
    func release() async {
        let held = held.withLock { held in
            defer { held = Held() }
            return held
        }
        for pool in held.pools {
            await pool.close()
        }
        for name in held.databases {
            do {
                try await TestDatabase.drop(named: name)
            } catch {
                Issue.record("could not drop test database \(name): \(error)")
            }
        }
        for folder in held.folders {
            try? FileManager.default.removeItem(at: folder)
        }
    }
}

/// Gives each test of a suite its own `TestResources`, released when the test ends.
public struct ReleasesResources: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // A suite's own scope holds its tests; each test case gets resources of its own.
        guard testCase != nil else { return try await function() }
        let resources = TestResources()
        do {
            try await TestResources.$current.withValue(resources) { try await function() }
        } catch {
            await resources.release()
            throw error
        }
        await resources.release()
    }
}

extension Trait where Self == ReleasesResources {
    /// Drops the databases, closes the pools and removes the folders each test made.
    public static var releasesResources: Self { ReleasesResources() }
}
