import CFuzzerDriver
import KitchenSQL

/// One scratch database; statements are prepared, never run. The fuzzer calls in from one
/// thread only.
nonisolated(unsafe) let connection = try! Connection()

/// SQL as typed at the prompt or read from a lesson: split into statements (each prepared, none
/// run), and asked whether it is complete; never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSQLSplitter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = Connection.isComplete(text)
    try? connection.forEachStatement(in: text) { _ in }
    return 0
}

/// The executable's entry point (see CFuzzerDriver.h): libFuzzer's driver, feeding `fuzzSQLSplitter`.
@_cdecl("FuzzSQLSplitter_main")
public func start(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    kitchen_run_fuzzer(argc, argv, fuzzSQLSplitter)
}
