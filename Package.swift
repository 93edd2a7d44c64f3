// swift-tools-version:6.0
import PackageDescription

// Shared by every Swift target so the whole package builds in one language mode.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Kitchen",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kitchen", targets: ["kitchen"]),
        // The parsers of untrusted input, for the libFuzzer targets in Fuzz/ (a package of its own).
        .library(name: "KitchenParsers", targets: ["KitchenSQL", "KitchenShell", "KitchenLessons", "KitchenServer", "KitchenServerChecks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Imported directly by KitchenServer; Hummingbird and AsyncHTTPClient bring them in anyway.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // HTML responses of learner routes (escaped by default, like server-side frameworks).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Latency percentiles and histograms for `.load` / `kitchen load`.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // The only door to the SQLite C API; KitchenSQL is the only module that imports it.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // Ctrl-C handling needs a real C signal handler (async-signal-safe, no Swift runtime).
        .target(name: "CSignals"),

        // Small helpers every layer needs: whole-file reads, atomic writes, trimming, JSON strings.
        .target(
            name: "KitchenSupport",
            swiftSettings: swiftSettings
        ),
        // The sandboxed SQLite engine: connection, statements, values, errors.
        .target(
            name: "KitchenSQL",
            dependencies: ["CSQLite"],
            swiftSettings: swiftSettings
        ),
        // The interpreter behind the prompt: input splitting, dot-commands, rendering.
        // It never touches stdin or a terminal; it writes to an OutputSink.
        .target(
            name: "KitchenShell",
            dependencies: ["KitchenSQL", "KitchenSupport"],
            swiftSettings: swiftSettings
        ),
        // Lessons: the model, the loader (YAML with file:line errors), checks and grading, progress.
        .target(
            name: "KitchenLessons",
            dependencies: ["KitchenSQL", "KitchenSupport", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // The loopback mini-server: a route table consulted on every request, the request log,
        // REST resources over tables, inspection routes, the learner's routes; and the HTTP client.
        .target(
            name: "KitchenServer",
            dependencies: [
                "KitchenSQL",
                "KitchenSupport",
                // For explaining a route's SQL errors the way the prompt explains the learner's own.
                "KitchenShell",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Lessons meet the server: the HTTP and route checks, and the in-process server they
        // grade through.
        .target(
            name: "KitchenServerChecks",
            dependencies: ["KitchenLessons", "KitchenServer", "KitchenSQL", "KitchenSupport"],
            swiftSettings: swiftSettings
        ),
        // The tutor at the prompt: lesson dot-commands and Markdown for the terminal.
        .target(
            name: "KitchenTutor",
            dependencies: ["KitchenShell", "KitchenLessons", "KitchenSQL", "KitchenServer", "KitchenServerChecks", "KitchenSupport"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kitchen",
            dependencies: [
                "KitchenTutor",
                "KitchenLessons",
                "KitchenServer",
                "KitchenServerChecks",
                "KitchenSupport",
                "KitchenShell",
                "KitchenSQL",
                "CEditLine",
                "CSignals",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "KitchenSQLTests",
            dependencies: ["KitchenSQL"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KitchenShellTests",
            dependencies: ["KitchenShell", "KitchenSQL"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KitchenLessonsTests",
            dependencies: ["KitchenLessons", "KitchenSQL", "KitchenSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KitchenServerTests",
            dependencies: [
                "KitchenServer", "KitchenServerChecks", "KitchenSQL", "KitchenLessons", "KitchenShell", "KitchenTutor", "kitchen",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KitchenTutorTests",
            dependencies: ["KitchenLessons", "KitchenSQL"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LessonEndToEndTests",
            dependencies: ["kitchen"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["kitchen"],
            swiftSettings: swiftSettings
        ),
    ]
)
