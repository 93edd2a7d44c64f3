import CFuzzerDriver
import KitchenServer

/// Route definitions as typed at the prompt or saved in a routes file: parsed, or refused with a
/// message; never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRoutes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? RouteParser.parse(text)
    return 0
}

/// The executable's entry point (see CFuzzerDriver.h): libFuzzer's driver, feeding `fuzzRoutes`.
@_cdecl("FuzzRoutes_main")
public func start(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    kitchen_run_fuzzer(argc, argv, fuzzRoutes)
}
