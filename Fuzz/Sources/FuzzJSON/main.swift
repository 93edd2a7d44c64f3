import Glibc
import KitchenServer

/// Any bytes: parsing either succeeds or throws a ParseError; what parses serializes and parses
/// back to an equal value.
func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    let again = try? JSONValue.parse(value.serialized())
    if again != value { fatalError("round trip changed \(value) into \(String(describing: again))") }
    _ = value.pretty(color: true)
    return 0
}

// SwiftPM links an executable's entry point as `main`, so libFuzzer's own `main` is not used: the
// entry point hands control to libFuzzer's driver with this target's test function.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ test: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzJSON(data, size) }))
