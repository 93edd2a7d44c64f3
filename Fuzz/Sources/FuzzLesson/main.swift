import CFuzzerDriver
import Glibc
import KitchenLessons
import KitchenServerChecks

/// The fixtures a lesson may name (`setup: fixture:`), so that lessons from the seed corpus load
/// all the way; run from Fuzz/ (Fuzz/run does), or set KITCHEN_FUZZ_FIXTURES.
let fixtures = getenv("KITCHEN_FUZZ_FIXTURES").map { String(cString: $0) } ?? "../lessons/fixtures"

/// Lesson files (YAML through Yams, then every check kind's options, the HTTP and route ones
/// included): a lesson, or a problem with its file and line; never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLesson(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? LessonLoader(registry: HTTPChecks.registry).parse(text, file: "fuzz.yaml", fixtures: fixtures)
    return 0
}

/// The executable's entry point (see CFuzzerDriver.h): libFuzzer's driver, feeding `fuzzLesson`.
@_cdecl("FuzzLesson_main")
public func start(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    kitchen_run_fuzzer(argc, argv, fuzzLesson)
}
