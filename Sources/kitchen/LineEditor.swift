// Temporary stand-in until the libedit editor lands.
enum LineInput { case line(String), interrupted, endOfFile }
final class LineEditor {
    init(programName: String, historyFile: String?, completer: @escaping (String, String) -> [String]) {}
    func readLine(prompt: String) -> LineInput {
        print(prompt, terminator: "")
        guard let line = Swift.readLine() else { return .endOfFile }
        return .line(line)
    }
    func addToHistory(_ entry: String) {}
}
