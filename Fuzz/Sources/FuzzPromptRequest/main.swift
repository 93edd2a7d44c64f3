import CFuzzerDriver
import KitchenServer

/// The input's lines, fed as the prompt feeds them: one, then two, … until the request is
/// complete or refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPromptRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for count in 1...max(1, min(lines.count, 16)) {
        switch PromptRequestParser.parse(Array(lines.prefix(count))) {
        case .complete(let request):
            _ = request.text
            return 0
        case .needsMore:
            continue
        default:
            return 0
        }
    }
    return 0
}

/// The executable's entry point (see CFuzzerDriver.h): libFuzzer's driver, feeding `fuzzPromptRequest`.
@_cdecl("FuzzPromptRequest_main")
public func start(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    kitchen_run_fuzzer(argc, argv, fuzzPromptRequest)
}
