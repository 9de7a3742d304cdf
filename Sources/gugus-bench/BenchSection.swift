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
}
