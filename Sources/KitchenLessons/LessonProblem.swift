/// Something wrong in a lesson file, with the place it was found.
public struct LessonProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    /// Further problems found in the same file (the loader goes on after the first), in the
    /// order of their lines.
    public var more: [LessonProblem] = []

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// This problem and each of `more`, one line each.
    public var all: [LessonProblem] {
        var first = self
        first.more = []
        return [first] + more
    }

    public var description: String {
        let own = line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
        return ([own] + more.map(\.description)).joined(separator: "\n")
    }

    /// Gathers the problems of one file while parsing goes on past each.
    struct Collector {
        let file: String
        private(set) var problems: [LessonProblem] = []

        /// `body`'s value, or nil with its problem kept; an error that is not a `LessonProblem`
        /// is kept too, as a problem of the file without a line.
        @discardableResult
        mutating func attempt<T>(_ body: () throws -> T) -> T? {
            do {
                return try body()
            } catch let problem as LessonProblem {
                problems += problem.all
                return nil
            } catch {
                problems.append(LessonProblem(file: file, line: nil, message: "\(error)"))
                return nil
            }
        }

        /// Throws the problems found, the first (by line) carrying the others.
        func throwIfAny() throws {
            let sorted = problems.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
            guard var first = sorted.first else { return }
            first.more = Array(sorted.dropFirst())
            throw first
        }
    }
}
