// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for Kitchen's parsers of untrusted input: one small executable per parser.
// A package of its own, so the normal build does not grow; it uses the main package's library
// product `KitchenParsers`. Build and run them with `make fuzz` (see Fuzz/run); they build only with
// `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library`: each target defines the entry point
// SwiftPM links `main` to (`<Target>_main`), which starts libFuzzer's driver on its
// `@_cdecl("LLVMFuzzerTestOneInput")` function.
let parsers = [.product(name: "KitchenParsers", package: "Kitchen"), "CFuzzerDriver"] as [Target.Dependency]

let package = Package(
    name: "KitchenFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Kitchen", path: ".."),
    ],
    targets: [
        // libFuzzer's driver, started from each target's own entry point (see its header).
        .target(name: "CFuzzerDriver"),
        // JSONValue.parse: request bodies, lesson expectations.
        .executableTarget(name: "FuzzJSON", dependencies: parsers),
        // RouteParser.parse: routes typed at the prompt or saved in a routes file.
        .executableTarget(name: "FuzzRoutes", dependencies: parsers),
        // PromptRequestParser.parse: request lines and HTTPie shorthand at the prompt.
        .executableTarget(name: "FuzzPromptRequest", dependencies: parsers),
        // HTTPFileParser.parse: .http files.
        .executableTarget(name: "FuzzHTTPFile", dependencies: parsers),
        // LessonLoader.parse: lesson files (YAML through Yams), with every check kind Kitchen knows.
        .executableTarget(name: "FuzzLesson", dependencies: parsers),
        // Connection.forEachStatement and isComplete: the SQL statement splitter.
        .executableTarget(name: "FuzzSQLSplitter", dependencies: parsers),
    ]
)
