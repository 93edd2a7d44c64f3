import CFuzzerDriver
import KitchenServer

/// Any bytes: parsing either succeeds or throws a ParseError; what parses serializes and parses
/// back to an equal value, and prints.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    let again = try? JSONValue.parse(value.serialized())
    if again != value { fatalError("round trip changed \(value) into \(String(describing: again))") }
    _ = value.pretty(color: true)
    return 0
}

/// The executable's entry point (see CFuzzerDriver.h): libFuzzer's driver, feeding `fuzzJSON`.
@_cdecl("FuzzJSON_main")
public func start(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    kitchen_run_fuzzer(argc, argv, fuzzJSON)
}
