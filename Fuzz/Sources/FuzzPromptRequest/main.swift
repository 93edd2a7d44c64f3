import Glibc
import KitchenServer

/// The input's lines, fed as the prompt feeds them: one, then two, … until complete.
func fuzzPromptRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for count in 1...max(1, min(lines.count, 8)) {
        if case .complete(let request) = PromptRequestParser.parse(Array(lines.prefix(count))) {
            _ = request.text
            break
        }
    }
    return 0
}

// SwiftPM links an executable's entry point as `main`, so libFuzzer's own `main` is not used: the
// entry point hands control to libFuzzer's driver with this target's test function.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ test: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzPromptRequest(data, size) }))
