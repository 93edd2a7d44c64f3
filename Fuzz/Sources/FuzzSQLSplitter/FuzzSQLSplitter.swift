import KitchenSQL

/// Splits the input into statements, preparing each (nothing runs), on one scratch database.
nonisolated(unsafe) let connection = try! Connection()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSQLSplitter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = Connection.isComplete(text)
    try? connection.forEachStatement(in: text) { _ in }
    return 0
}
