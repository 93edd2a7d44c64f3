import Foundation
import KitchenSQL
import Testing
@testable import KitchenLessons

/// The gym lesson (Fixtures/gym) holds wrong answers the grader accepted before: an inner JOIN
/// where members with no booking are asked for too (every member has bookings today, and so did
/// every member of the hidden variant), COUNT(*) over a LEFT JOIN, and a DELETE whose subquery
/// picks rows that tie on its ORDER BY in today's stored order. Each must fail; honest
/// variations pass.
@Suite("Grading holes: parents with no children, ties in a state step (the gym)")
struct GradingHolesGym {
    func grader() throws -> (Grader, Lesson) {
        let lesson = try fixtureLesson("gym")
        return (Grader(lesson: lesson), lesson)
    }

    @Test("every step proves itself: the solution passes, every wrong answer fails with its expected explanation")
    func selfTest() throws {
        let outcomes = LessonSelfTest().run(try fixtureLesson("gym"))
        #expect(outcomes.count == 5)
        for outcome in outcomes {
            #expect(outcome.problems.isEmpty, "\(outcome.stepID): \(outcome.problems.joined(separator: "\n"))")
        }
    }

    @Test("the hidden variant has a member with no booking, with an id above every other, and every named member keeps their bookings")
    func childlessParent() throws {
        let lesson = try fixtureLesson("gym")
        let databases = LessonDatabases(lesson: lesson)
        let start = try Connection.inMemory(copying: try databases.start(ofStep: 0))
        let variant = try Connection.inMemory(copying: try databases.variant(ofStep: 0))
        #expect(try start.fetchAll("SELECT count(*) FROM members WHERE id NOT IN (SELECT member_id FROM bookings)") == [[.integer(0)]])
        let lonely = try variant.fetchAll("SELECT id FROM members WHERE id NOT IN (SELECT member_id FROM bookings)")
        #expect(lonely.count == 1)
        #expect(try variant.fetchAll("SELECT max(id) FROM members") == lonely)
        // Classes are referred to by bookings too: one class with no booking as well.
        #expect(try variant.fetchAll("SELECT count(*) FROM classes WHERE id NOT IN (SELECT class_id FROM bookings)") == [[.integer(1)]])
        // Bookings are referred to by nothing: no row added.
        #expect(try variant.fetchAll("SELECT count(*) FROM bookings WHERE member_id NOT IN (SELECT id FROM members)") == [[.integer(0)]])
        for id in 1...6 {
            #expect(try !variant.fetchAll("SELECT 1 FROM bookings WHERE member_id = \(id)").isEmpty, "member \(id)")
        }
    }

    @Test("members with none too: inner JOIN and COUNT(*) fail; LEFT JOIN counting a column of bookings, or a subquery, pass")
    func membersWithNone() throws {
        let (grader, lesson) = try grader()
        let step = try #require(lesson.index(of: "member-counts"))
        for answer in [
            "SELECT m.name, COUNT(b.member_id) FROM members AS m LEFT JOIN bookings AS b ON b.member_id = m.id GROUP BY m.id",
            "SELECT name, (SELECT COUNT(*) FROM bookings WHERE member_id = members.id) FROM members",
            "SELECT m.name, COUNT(b.id) FROM bookings AS b RIGHT JOIN members AS m ON b.member_id = m.id GROUP BY m.id",
        ] {
            let verdict = grader.grade(answer, step: step)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        let inner = grader.grade("SELECT m.name, COUNT(b.id) FROM members AS m JOIN bookings AS b ON b.member_id = m.id GROUP BY m.id", step: step)
        #expect(!inner.passed)
        #expect(inner.summary.contains("hidden variant"), "\(inner.explanation)")
        let countStar = grader.grade("SELECT m.name, COUNT(*) FROM members AS m LEFT JOIN bookings AS b ON b.member_id = m.id GROUP BY m.id", step: step)
        #expect(!countStar.passed)
        #expect(countStar.explanation.contains("COUNT(*)"), "\(countStar.explanation)")
    }

    @Test("a DELETE that picks rows by an ORDER BY without the asked tie-break fails; with it, in any spelling, passes")
    func tiesInAStateStep() throws {
        let (grader, lesson) = try grader()
        let step = try #require(lesson.index(of: "drop-cheapest"))
        for answer in [
            "DELETE FROM bookings WHERE class_id IN (SELECT id FROM classes ORDER BY price ASC, title ASC LIMIT 2)",
            "DELETE FROM bookings WHERE class_id IN (SELECT id FROM classes ORDER BY price, title, id LIMIT 2)",
            "DELETE FROM bookings WHERE class_id IN (SELECT c.id FROM classes AS c WHERE (SELECT count(*) FROM classes AS d WHERE d.price < c.price OR (d.price = c.price AND d.title < c.title)) < 2)",
            "WITH cheap AS (SELECT id FROM classes ORDER BY price, title LIMIT 2) DELETE FROM bookings WHERE class_id IN cheap",
        ] {
            let verdict = grader.grade(answer, step: step)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        let wrong = grader.grade("DELETE FROM bookings WHERE class_id IN (SELECT id FROM classes ORDER BY price LIMIT 2)", step: step)
        #expect(!wrong.passed)
        #expect(wrong.summary.contains("rows that tie on your ORDER BY"), "\(wrong.explanation)")
        #expect(wrong.details.first == RowOrderByChance.tieExplanation)
    }

    @Test("where the task names no tie-break, tied rows may come in either order, and a LIMIT through a tie may keep either row")
    func tiesTheTaskLeavesOpen() throws {
        let (grader, lesson) = try grader()
        let all = try #require(lesson.index(of: "cheapest-first"))
        for answer in [
            "SELECT title, price FROM classes ORDER BY price",
            "SELECT title, price FROM classes ORDER BY price, title",
            "SELECT title, price FROM classes ORDER BY price ASC, title DESC",
            "SELECT title, price FROM classes ORDER BY 2, id DESC",
        ] {
            let verdict = grader.grade(answer, step: all)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        for answer in ["SELECT title, price FROM classes ORDER BY price DESC", "SELECT title, price FROM classes ORDER BY title", "SELECT title, price FROM classes"] {
            #expect(!grader.grade(answer, step: all).passed, "\(answer)")
        }
        let two = try #require(lesson.index(of: "two-cheapest"))
        for answer in [
            "SELECT title, price FROM classes ORDER BY price, title LIMIT 2",
            "SELECT title, price FROM classes ORDER BY price, title DESC LIMIT 2",
        ] {
            let verdict = grader.grade(answer, step: two)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        for answer in [
            "SELECT title, price FROM classes ORDER BY price LIMIT 3",
            "SELECT title, price FROM classes ORDER BY price DESC LIMIT 2",
            "SELECT title, price FROM classes WHERE price > 8 ORDER BY price LIMIT 2",
            "SELECT title, price FROM classes ORDER BY title LIMIT 2",
        ] {
            #expect(!grader.grade(answer, step: two).passed, "\(answer)")
        }
    }

    @Test("the reference's sort: result columns by position or name, with ASC, DESC, NULLS or COLLATE; an expression or an ambiguous name is not known")
    func referenceSort() {
        let columns = ["title", "price", "coach"]
        #expect(ReferenceSort.of("SELECT title, price, coach FROM classes ORDER BY price", resultColumns: columns) == ReferenceSort(columns: [1], limited: false))
        #expect(ReferenceSort.of("select c.title, c.price, c.coach from classes c order by c.PRICE desc nulls last, \"title\" collate nocase limit 3", resultColumns: columns)
                == ReferenceSort(columns: [1, 0], limited: true))
        #expect(ReferenceSort.of("SELECT title, price, coach FROM classes ORDER BY 3, 1;", resultColumns: columns) == ReferenceSort(columns: [2, 0], limited: false))
        #expect(ReferenceSort.of("CREATE TEMP VIEW v AS SELECT 1; SELECT title, price, coach FROM classes ORDER BY coach", resultColumns: columns)?.columns == [2])
        #expect(ReferenceSort.of("SELECT title, price, coach FROM classes ORDER BY price * 2", resultColumns: columns) == nil)
        #expect(ReferenceSort.of("SELECT title, price, coach FROM classes ORDER BY starts_at", resultColumns: columns) == nil)
        #expect(ReferenceSort.of("SELECT title, price, coach FROM classes ORDER BY 4", resultColumns: columns) == nil)
        #expect(ReferenceSort.of("SELECT m.name, c.name FROM m JOIN c ORDER BY c.name", resultColumns: ["name", "name"]) == nil)
        // An ORDER BY inside a subquery or a window is not the result's.
        #expect(ReferenceSort.of("SELECT * FROM (SELECT title, price, coach FROM classes ORDER BY price LIMIT 3)", resultColumns: columns) == nil)
        #expect(ReferenceSort.of("SELECT title, price, coach FROM (SELECT * FROM classes LIMIT 3) ORDER BY title", resultColumns: columns) == ReferenceSort(columns: [0], limited: false))
    }
}
