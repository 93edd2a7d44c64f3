import KitchenLessons

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLesson(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? LessonLoader().parse(text, file: "fuzz.yaml", fixtures: "/nonexistent-kitchen-fixtures")
    return 0
}
