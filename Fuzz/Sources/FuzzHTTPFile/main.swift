import KitchenServer

/// `.http` files: read into requests, or refused with every problem's line; never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? HTTPFileParser.parse(bytes, path: "fuzz.http", directory: "/nonexistent-kitchen-fuzz")
    return 0
}
