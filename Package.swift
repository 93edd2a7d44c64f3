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
        .library(name: "KitchenParsers", targets: ["KitchenSQL", "KitchenShell", "KitchenLessons", "KitchenServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
            dependencies: ["KitchenSQL"],
            swiftSettings: swiftSettings
        ),
        // Lessons: the model, the loader (YAML with file:line errors), checks and grading, progress.
        .target(
            name: "KitchenLessons",
            dependencies: ["KitchenSQL", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // The loopback mini-server: a route table consulted on every request, the request log,
        // REST resources over tables, inspection routes; and the HTTP client and checks.
        .target(
            name: "KitchenServer",
            dependencies: [
                "KitchenSQL",
                "KitchenLessons",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The tutor at the prompt: lesson dot-commands and Markdown for the terminal.
        .target(
            name: "KitchenTutor",
            dependencies: ["KitchenShell", "KitchenLessons", "KitchenSQL", "KitchenServer"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kitchen",
            dependencies: [
                "KitchenTutor",
                "KitchenLessons",
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
            dependencies: ["KitchenLessons", "KitchenSQL"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KitchenServerTests",
            dependencies: ["KitchenServer", "KitchenSQL", "KitchenLessons", "kitchen"],
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
