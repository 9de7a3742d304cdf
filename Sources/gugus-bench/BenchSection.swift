import Postgres

/// One part of the benchmark: it measures something through Gugus and, beside it, a
/// reference figure for the same work done by a tool we trust (pgbench, psql's COPY …).
///
/// To add a section, write a type that conforms and list it in ``BenchSections/all``;
/// `--sections` then selects it by ``name``, and the report and `--json` need nothing more.
protocol BenchSection: Sendable {
    /// The name `--sections` selects it by: short, lower case, no spaces.
    var name: String { get }
    /// One line for `--help` and the report's heading.
    var summary: String { get }
    /// Measures, and returns the figures. It may create tables in the database, but must
    /// remove them before it returns, even when it throws: the database may be the user's.
    func run(_ context: BenchContext) async throws -> SectionReport
}

/// Every section this build knows, in the order they run.
enum BenchSections {
    static let all: [any BenchSection] = [
        SelectSection(),
        ImportSection(),
        StatusSection(),
        RecapSection(),
        DispatchSection(),
        LatenessSection(),
        HTTPSection(),
        WebSection(),
    ]

    static var names: [String] { all.map(\.name) }
}

/// What a section gets to work with.
struct BenchContext: Sendable {
    let database: BenchDatabase
    /// How long each measured figure runs; pgbench's `-T` takes whole seconds, so ours do too.
    let duration: Duration
    /// How long each figure runs unmeasured first, to open connections and warm caches.
    let warmup: Duration
    /// How many times each figure is measured; the report shows the median.
    let rounds: Int
    let progress: Progress
    /// How much data the sections that measure Gugus generate, and their own durations.
    var sizes = BenchSizes()
}

/// The sizes of the generated data, from the command line; the defaults are the issues'.
struct BenchSizes: Sendable {
    /// Rows of the roster the import section imports (issue 3: 10 000).
    var importRows = 10_000
    /// Rows of the larger roster imported once for its peak memory (issue 15: 100 000).
    var importLargeRows = 100_000
    /// Memberships of the status dataset at 1× (issue 3: 100 000), and the larger scale.
    var statusMemberships = 100_000
    var statusScale = 10
    /// Due reminders the dispatch section drains (issue 5: 50 000).
    var dispatchReminders = 50_000
    /// Reminders falling due per second, and for how long, in the lateness section (issue 5:
    /// 100 a second for 60 s).
    var latenessRate = 100
    var latenessDuration: Duration = .seconds(60)
    /// wrk's connection counts in the http section (issue 6: 1, 8 and 64).
    var httpConnections = [1, 8, 64]
}
