import CFuzzerDriver
import KitchenServer

/// `.http` files: read into requests, or refused with every problem's line; never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? HTTPFileParser.parse(bytes, path: "fuzz.http", directory: "/nonexistent-kitchen-fuzz")
    return 0
}

/// The executable's entry point (see CFuzzerDriver.h): libFuzzer's driver, feeding `fuzzHTTPFile`.
@_cdecl("FuzzHTTPFile_main")
public func start(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    kitchen_run_fuzzer(argc, argv, fuzzHTTPFile)
}
