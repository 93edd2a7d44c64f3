import KitchenLessons
import KitchenSQL
import Testing
@testable import KitchenServerChecks

/// Each step starts from the setup plus every earlier step's solution: an HTTP step's solution is
/// requests, so what they change (a loan lent with POST) is in the next step's database, as the
/// learner who just sent them expects; requests that change nothing leave it as it was.
@Suite("LessonDatabases: an HTTP step's solution is sent, and the next step starts from what it changed")
struct LessonDatabasesRequestTests {
    @Test("the POST of the library's lend-a-book step is in the next step's start; the GET before it changes nothing")
    func requestsCarryOver() throws {
        let lesson = try LibraryLesson.load()
        let lend = try #require(lesson.steps.firstIndex { $0.id == "lend-a-book" })
        #expect(lesson.steps[lend - 1].check.answerKind == .http)
        let databases = LessonDatabases(lesson: lesson)
        func loans(ofStep index: Int) throws -> [String] {
            let database = try Connection.inMemory(copying: try databases.start(ofStep: index))
            return try database.fetchAll("SELECT book_id || '/' || member_id || '/' || day FROM loans ORDER BY id").compactMap { $0[0].textValue }
        }
        #expect(try databases.start(ofStep: lend) == databases.start(ofStep: lend - 1), "a GET changes nothing")
        #expect(try !loans(ofStep: lend).contains("7/3/2024-03-05"))
        #expect(try loans(ofStep: lend + 1).last == "7/3/2024-03-05", "the loan the solution lent")
        #expect(try loans(ofStep: lend + 1).count == loans(ofStep: lend).count + 1)
    }
}
