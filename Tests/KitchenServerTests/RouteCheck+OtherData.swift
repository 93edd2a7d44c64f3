import Foundation
import KitchenLessons
import KitchenSQL
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// Route answers right only on the step's own data: rows in an order nobody asked for, and
/// arithmetic that is right only for today's numbers. Each used to pass.
@Suite("route: answers right only by chance on today's data")
struct RouteCheckOtherDataTests {
    /// A small review site: every dish's average today is a whole number.
    static let yaml = #"""
        format: 1
        id: reviews
        title: Reviews
        summary: Ratings of dishes.
        setup:
          sql: |
            CREATE TABLE dishes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            CREATE TABLE reviews (
              id INTEGER PRIMARY KEY,
              dish_id INTEGER NOT NULL REFERENCES dishes(id),
              stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
              liked INTEGER NOT NULL DEFAULT 1 CHECK (liked IN (0, 1))
            );
            INSERT INTO dishes (id, name) VALUES (1, 'Soup'), (2, 'Pie'), (3, 'Tart'), (4, 'Stew');
            INSERT INTO reviews (id, dish_id, stars) VALUES
              (1, 1, 4), (2, 1, 4), (3, 2, 5), (4, 2, 3), (5, 3, 2), (6, 3, 2), (7, 1, 4), (8, 2, 4), (9, 3, 2),
              (10, 4, 5), (11, 4, 5), (12, 4, 5), (13, 1, 4), (14, 2, 4), (15, 3, 2), (16, 4, 5);
        steps:
          - id: rating
            title: A rating
            text: The average of a dish's stars.
            task: Write GET /ratings/:id.
            check:
              kind: route
              route: GET /ratings/:id
              target: /ratings/2
            hints: [AVG]
            solution: route GET /ratings/:id = SELECT dish_id, COUNT(*) AS reviews, AVG(stars) AS stars FROM reviews WHERE dish_id = :id GROUP BY dish_id
            wrong:
              - answer: route GET /ratings/:id = SELECT dish_id, COUNT(*) AS reviews, SUM(stars) / COUNT(*) AS stars FROM reviews WHERE dish_id = :id GROUP BY dish_id
                expect: on other data
          - id: stew
            title: The stew's reviews
            text: In the order they came.
            task: Write GET /stew-reviews, the id and stars of dish 4's reviews, by id.
            check:
              kind: route
              route: GET /stew-reviews
            hints: [ORDER BY id]
            solution: route GET /stew-reviews = SELECT id, stars FROM reviews WHERE dish_id = 4 ORDER BY id
            wrong:
              - answer: route GET /stew-reviews = SELECT id, stars FROM reviews WHERE dish_id = 4 ORDER BY id DESC
                expect: differ
        """#

    @Test("integer division of a whole-number average fails on the variant, whose copied reviews have other stars")
    func integerDivision() async throws {
        let lesson = try LibraryLesson.load(Self.yaml)
        let reference = try #require(lesson.steps.first { $0.id == "rating" }).solution
        #expect(try await lesson.grade(reference, step: "rating").passed)
        for alternative in [
            "route GET /ratings/:id = SELECT dish_id, COUNT(*) AS reviews, SUM(stars) * 1.0 / COUNT(*) AS stars FROM reviews WHERE dish_id = :id GROUP BY dish_id",
            "route GET /ratings/:id = SELECT r.dish_id, COUNT(r.id) AS reviews, AVG(r.stars) AS stars FROM reviews AS r WHERE r.dish_id = :id GROUP BY r.dish_id",
        ] {
            let verdict = try await lesson.grade(alternative, step: "rating")
            #expect(verdict.passed, "\(alternative): \(verdict.explanation)")
        }
        let verdict = try await lesson.grade("route GET /ratings/:id = SELECT dish_id, COUNT(*) AS reviews, SUM(stars) / COUNT(*) AS stars FROM reviews WHERE dish_id = :id GROUP BY dish_id", step: "rating")
        #expect(!verdict.passed)
        #expect(verdict.explanation.contains("on other data your route's answer differs"), "\(verdict.explanation)")
    }

    @Test("the variant keeps every CHECK and foreign key, and leaves 0/1 flags as they are")
    func variantKeepsConstraints() throws {
        let lesson = try LibraryLesson.load(Self.yaml)
        let databases = LessonDatabases(lesson: lesson)
        let variant = try Connection.inMemory(copying: try databases.variant(ofStep: 0), policy: .standard)
        let stars = try variant.fetchAll("SELECT min(stars), max(stars), count(*), count(DISTINCT stars) FROM reviews").first!
        #expect(stars[0] == .integer(1) || stars[0] == .integer(2))
        #expect(stars[1] == .integer(5))
        #expect(stars[3] != .integer(4), "copied reviews moved some stars: \(stars)")
        #expect(try variant.fetchAll("PRAGMA foreign_key_check").isEmpty)
        #expect(try variant.fetchAll("SELECT DISTINCT liked FROM reviews") == [[.integer(1)]])
    }

    @Test("a list route without the ORDER BY it needs fails when SQLite reads the rows the other way round")
    func orderByChance() async throws {
        let lesson = try LibraryLesson.load(Self.yaml)
        for alternative in [
            "route GET /stew-reviews = SELECT id, stars FROM reviews WHERE dish_id = 4 ORDER BY id",
            "route GET /stew-reviews = SELECT r.id, r.stars FROM reviews r JOIN dishes d ON d.id = r.dish_id WHERE d.id = 4 ORDER BY 1 ASC",
        ] {
            let verdict = try await lesson.grade(alternative, step: "stew")
            #expect(verdict.passed, "\(alternative): \(verdict.explanation)")
        }
        // Rowid order is id order today, with no ORDER BY to promise it.
        let verdict = try await lesson.grade("route GET /stew-reviews = SELECT id, stars FROM reviews WHERE dish_id = 4", step: "stew")
        #expect(!verdict.passed)
        #expect(verdict.explanation.contains(RouteCheck.reversedProbeName), "\(verdict.explanation)")
        #expect(verdict.explanation.contains("your rows come in this order by chance"), "\(verdict.explanation)")
    }
}
