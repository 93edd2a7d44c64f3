/// The lines of a `.http` file as the REST Client sees them: a UTF-8 byte order mark is dropped,
/// and lines end at LF or CR LF (mixed freely — files edited on Windows and Linux both run).
/// A CR anywhere else is refused: the REST Client would send it inside a header or URL.
///
/// Lines are split on bytes, not Characters: to Swift, CR LF is one Character, so splitting a
/// String on "\n" leaves a CR LF file as one long line.
enum HTTPFileText {
    static func lines(of bytes: [UInt8], file: String) throws(HTTPFileProblems) -> [HTTPFileLine] {
        var content = bytes[...]
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        var lines: [HTTPFileLine] = []
        var problems: [HTTPFileProblem] = []
        for (index, raw) in content.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            var line = raw
            if line.last == 0x0D { line = line.dropLast() }
            if line.contains(0x0D) {
                problems.append(HTTPFileProblem(file: file, line: index + 1, message: "a carriage return (CR) in the middle of the line: end lines with LF or CR LF"))
            }
            guard let text = String(validating: line, as: UTF8.self) else {
                problems.append(HTTPFileProblem(file: file, line: index + 1, message: "this line is not UTF-8 text: save the file as UTF-8"))
                continue
            }
            lines.append(HTTPFileLine(number: index + 1, text: text))
        }
        if !problems.isEmpty { throw HTTPFileProblems(problems) }
        return lines
    }
}

extension StringProtocol {
    /// Without the blanks (spaces, tabs) at either end.
    var blankTrimmed: String {
        var text = self[...]
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
