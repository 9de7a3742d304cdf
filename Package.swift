// swift-tools-version:6.1
import PackageDescription

// One strictness setting for every target: Swift 6 language mode (complete concurrency
// checking) plus the upcoming features the model codebases turn on.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "gugus",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gugus", targets: ["gugus"]),
        .executable(name: "gugus-bench", targets: ["gugus-bench"]),
        .library(name: "Postgres", targets: ["Postgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV.git", from: "0.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        // libpq, the PostgreSQL C client library, as the system provides it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        // The only Swift code that talks to libpq.
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A private PostgreSQL cluster under .gugus/ (the embedded default database).
        .target(
            name: "PostgresCluster",
            dependencies: [
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        // Embeds sql/, templates/ and docs/openapi.yaml into the targets that use them, so
        // the binary runs from anywhere.
        .executableTarget(name: "embed-files", swiftSettings: swiftSettings),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["embed-files"]),
        // The domain model: the records, the `Gugus` protocol of everything a user can do,
        // local time, choices, errors, who may do what, calendars and the roster CSV. No
        // database: the CLI's HTTP side and the portal's pages build on it alone.
        .target(
            name: "GugusModel",
            dependencies: [.product(name: "SwiftCSV", package: "SwiftCSV")],
            swiftSettings: swiftSettings
        ),
        // `Gugus` on PostgreSQL: DatabaseGugus, the migrations (sql/, embedded), the status query.
        .target(
            name: "GugusDatabase",
            dependencies: [
                "GugusModel", "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedFiles"]
        ),
        // Reminder dispatch: claiming, checks, channels (log, e-mail, webhook), messages and
        // their templates (templates/, embedded).
        .target(
            name: "GugusScheduler",
            dependencies: [
                "GugusModel", "GugusDatabase", "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedFiles"]
        ),
        // The HTTP API (Hummingbird 2), its auth, metrics and OpenAPI document.
        .target(
            name: "GugusServer",
            dependencies: [
                "GugusModel", "GugusDatabase", "Postgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedFiles"]
        ),
        // The CLI's way to the server: the same Gugus interface, over HTTP.
        .target(
            name: "GugusClient",
            dependencies: [
                "GugusModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "gugus",
            dependencies: [
                "GugusModel", "GugusDatabase", "GugusScheduler", "GugusServer", "GugusClient", "Postgres", "PostgresCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "gugus-bench",
            dependencies: [
                "GugusModel", "GugusDatabase", "Postgres", "PostgresCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared by the test targets: a throwaway database per test.
        .target(
            name: "GugusTestSupport",
            dependencies: ["Postgres", "PostgresCluster", "GugusModel", "GugusDatabase"],
            path: "Tests/GugusTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "GugusTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "GugusModelTests", dependencies: ["GugusModel", "GugusTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GugusDatabaseTests",
            dependencies: ["GugusModel", "GugusDatabase", "GugusTestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .testTarget(name: "GugusCLITests", dependencies: ["GugusModel", "GugusTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GugusServerTests",
            dependencies: [
                "GugusModel", "GugusDatabase", "GugusServer", "GugusTestSupport", "Postgres",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "GugusSchedulerTests", dependencies: ["GugusModel", "GugusDatabase", "GugusScheduler", "GugusTestSupport"],
            swiftSettings: swiftSettings),
    ]
)
