import Foundation
import KitchenSQL
import Testing
@testable import KitchenLessons

/// The cinema lesson (Fixtures/cinema) holds wrong answers that every earlier grader accepted:
/// rows that tie on ORDER BY in today's order, a range of parent ids where one is asked (the
/// copies of parents had no children), an id the task names landing on an empty copy, and a
/// GROUP BY on text whose copies each made a group of one. Each must fail; honest variations pass.
@Suite("Grading holes: ties, parents without children, named ids, groups of text (the cinema)")
struct GradingHolesCinema {
    static func cinema() throws -> Lesson {
        try fixtureLesson("cinema")
    }

    func grader() throws -> (Grader, Lesson) {
        let lesson = try Self.cinema()
        return (Grader(lesson: lesson), lesson)
    }

    @Test("every step proves itself: the solution passes, every wrong answer fails with its expected explanation")
    func selfTest() throws {
        let outcomes = LessonSelfTest().run(try Self.cinema())
        #expect(outcomes.count == 4)
        for outcome in outcomes {
            #expect(outcome.problems.isEmpty, "\(outcome.stepID): \(outcome.problems.joined(separator: "\n"))")
        }
    }

    @Test("ties under ORDER BY: an answer without the asked tie-break fails; ORDER BY 1, an extra tie-break and subqueries pass")
    func ties() throws {
        let (grader, lesson) = try grader()
        let step = try #require(lesson.index(of: "longest"))
        for answer in [
            "SELECT title, minutes FROM films ORDER BY minutes DESC, title LIMIT 3",
            "SELECT title, minutes FROM films ORDER BY 2 DESC, 1 LIMIT 3",
            "SELECT title, minutes FROM films ORDER BY minutes DESC, title, id LIMIT 3",
            "SELECT title, minutes FROM films ORDER BY -minutes, title COLLATE BINARY LIMIT 3",
            "SELECT title, minutes FROM (SELECT * FROM films ORDER BY minutes DESC, title LIMIT 3) ORDER BY minutes DESC, title",
            "SELECT f.title, f.minutes FROM films AS f WHERE (SELECT count(*) FROM films AS g WHERE g.minutes > f.minutes OR (g.minutes = f.minutes AND g.title < f.title)) < 3 ORDER BY f.minutes DESC, f.title",
        ] {
            let verdict = grader.grade(answer, step: step)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        let wrong = grader.grade("SELECT title, minutes FROM films ORDER BY minutes DESC LIMIT 3", step: step)
        #expect(!wrong.passed)
        #expect(wrong.summary.contains("rows that tie on your ORDER BY"), "\(wrong.explanation)")
        #expect(wrong.details.first == RowOrderByChance.tieExplanation)
    }

    @Test("the tie-order copy holds the same rows and values, ids included, stored the other way round")
    func tieOrderCopy() throws {
        let lesson = try Self.cinema()
        let start = try LessonDatabases(lesson: lesson).start(ofStep: 0)
        let original = try Connection.inMemory(copying: start)
        let copy = try Connection.inMemory(copying: try TieOrderCopy.make(from: start, policy: .standard))
        for table in ["genres", "films", "screenings"] {
            #expect(try copy.fetchAll("SELECT * FROM \(table) ORDER BY id") == original.fetchAll("SELECT * FROM \(table) ORDER BY id"), "\(table)")
        }
        #expect(try original.fetchAll("SELECT title FROM films WHERE minutes = 150") == [[.text("Heat")], [.text("Ran")]])
        #expect(try copy.fetchAll("SELECT title FROM films WHERE minutes = 150") == [[.text("Ran")], [.text("Heat")]])
        #expect(try copy.fetchAll("SELECT title FROM films ORDER BY minutes DESC LIMIT 2") == [[.text("Ran")], [.text("Heat")]])
        #expect(try copy.fetchAll("PRAGMA foreign_key_check").isEmpty)
        #expect(try copy.fetchAll("SELECT f.title FROM screenings AS s JOIN films AS f ON f.id = s.film_id WHERE s.id = 13") == [[.text("Ran")]])
        #expect(TieOrderCopy.withoutRowidAlias("CREATE TABLE t (\"id\" integer primary key autoincrement, n INTEGER)", column: "id")
                == "CREATE TABLE t (\"id\" INT primary key , n INTEGER)")
        #expect(TieOrderCopy.withoutRowidAlias("CREATE TABLE t (n INTEGER, id INTEGER, PRIMARY KEY (id))", column: "id")
                == "CREATE TABLE t (n INTEGER, id INT, PRIMARY KEY (id))")
    }

    @Test("a range of parent ids where one is asked fails: the copied parents have children; an id looked up passes")
    func copiedParentsHaveChildren() throws {
        let (grader, lesson) = try grader()
        let step = try #require(lesson.index(of: "thriller-prices"))
        for answer in [
            "UPDATE films SET price = price + 0.5 WHERE genre_id = 6",
            "UPDATE films SET price = price + 0.50 WHERE genre_id = (SELECT id FROM genres WHERE name = 'Thriller')",
            "update films set price = 0.5 + price where genre_id in (select id from genres where name = 'Thriller');",
        ] {
            let verdict = grader.grade(answer, step: step)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        for answer in ["UPDATE films SET price = price + 0.5 WHERE genre_id >= 6", "UPDATE films SET price = price + 0.5 WHERE genre_id BETWEEN 6 AND 99"] {
            let verdict = grader.grade(answer, step: step)
            #expect(verdict.summary.contains("hidden variant"), "\(answer): \(verdict.explanation)")
        }
        // The mechanism, on this data: every copied genre and film has what its original has.
        let variant = try HiddenVariant.beforeRenumbering(from: try LessonDatabases(lesson: lesson).start(ofStep: 0), extraSQL: nil, policy: .standard, lesson: lesson)
        let childless = try variant.fetchAll("""
            SELECT g.name FROM genres AS g WHERE g.name LIKE '% <v&>' AND NOT EXISTS (SELECT 1 FROM films WHERE genre_id = g.id)
            UNION ALL
            SELECT f.title FROM films AS f WHERE f.title LIKE '% <v&>' AND NOT EXISTS (SELECT 1 FROM screenings WHERE film_id = f.id)
            """)
        #expect(childless.isEmpty, "copies without children: \(childless)")
        #expect(try variant.fetchAll("SELECT count(*) FROM films AS f JOIN genres AS g ON g.id = f.genre_id WHERE g.name = 'Horror <v&>'")
                == [[.integer(2)]], "the copy of Horror has copies of both horror films")
        #expect(try variant.fetchAll("PRAGMA foreign_key_check").isEmpty)
    }

    @Test("an id named by the task names a row with related rows on the variant: integer division fails there; AVG and * 1.0 pass")
    func namedIDHasRelatedRows() throws {
        let (grader, lesson) = try grader()
        let step = try #require(lesson.index(of: "tickets-of-a-film"))
        for answer in [
            "SELECT AVG(tickets) FROM screenings WHERE film_id = 5",
            "SELECT SUM(tickets) * 1.0 / COUNT(*) FROM screenings WHERE film_id = 5",
            "SELECT avg(s.tickets) FROM films AS f JOIN screenings AS s ON s.film_id = f.id WHERE f.id = 5",
        ] {
            let verdict = grader.grade(answer, step: step)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        let verdict = grader.grade("SELECT SUM(tickets) / COUNT(*) FROM screenings WHERE film_id = 5", step: step)
        #expect(verdict.summary.contains("hidden variant"), "\(verdict.explanation)")
        let variant = try Connection.inMemory(copying: try LessonDatabases(lesson: lesson).variant(ofStep: step))
        #expect(try variant.fetchAll("SELECT count(*) > 1 FROM screenings WHERE film_id = 5") == [[.integer(1)]])
    }

    @Test("text that repeats joins its original's group on the variant: integer division per group fails; unique text is still marked")
    func groupsOfText() throws {
        let (grader, lesson) = try grader()
        let step = try #require(lesson.index(of: "minutes-per-rating"))
        for answer in [
            "SELECT rating, AVG(minutes) FROM films GROUP BY rating",
            "SELECT rating, SUM(minutes) * 1.0 / COUNT(*) FROM films GROUP BY 1 ORDER BY 1",
            "SELECT r, avg(m) FROM (SELECT rating AS r, minutes AS m FROM films) GROUP BY r",
        ] {
            let verdict = grader.grade(answer, step: step)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        let verdict = grader.grade("SELECT rating, SUM(minutes) / COUNT(*) FROM films GROUP BY rating", step: step)
        #expect(verdict.summary.contains("hidden variant"), "\(verdict.explanation)")
        let variant = try Connection.inMemory(copying: try LessonDatabases(lesson: lesson).variant(ofStep: step))
        #expect(try variant.fetchAll("SELECT DISTINCT rating FROM films ORDER BY rating") == [[.text("12A")], [.text("15")], [.text("PG")], [.text("U")]])
        #expect(try variant.fetchAll("SELECT count(*) FROM films WHERE title LIKE '% <v&>'") != [[.integer(0)]], "titles are unique: copies are marked")
        #expect(try variant.fetchAll("SELECT count(*) FROM screenings WHERE starts_at LIKE '%<v&>'") == [[.integer(0)]], "dates stay dates")
    }
}
