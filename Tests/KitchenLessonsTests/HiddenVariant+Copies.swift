import KitchenSQL
import Testing
@testable import KitchenLessons

/// The hidden variant's copied rows differ from their originals in numbers and NULLs, so answers
/// right only for today's values fail on it: a whole-number average computed with integer
/// division, a condition on another column that happens to be NULL (or 0) in the same rows.
@Suite("Hidden variant: copied rows with other numbers and other NULLs")
struct HiddenVariantCopies {
    static let rides = """
        CREATE TABLE rides (id INTEGER PRIMARY KEY, bike_id INTEGER NOT NULL, to_station INTEGER, minutes INTEGER CHECK (minutes > 0), fare INTEGER NOT NULL DEFAULT 0,
                            paid INTEGER NOT NULL DEFAULT 1 CHECK (paid IN (0, 1)));
        INSERT INTO rides (id, bike_id, to_station, minutes, fare) VALUES
          (1, 1, 2, 10, 150), (2, 2, 3, 20, 300), (3, 3, 1, 12, 180), (4, 4, 4, 30, 450), (5, 5, 1, 14, 210),
          (6, 1, 3, 18, 270), (7, 7, 5, 40, 600), (8, 2, 1, 22, 330), (9, 4, 3, 30, 450), (10, 6, NULL, NULL, 0),
          (11, 3, 2, 16, 240), (12, 5, 4, 26, 390);
        """

    @Test("sql-state: a condition on a column that is NULL in the same rows today fails; the asked condition passes")
    func correlatedNulls() throws {
        let grader = try grader(check: "kind: sql-state", solution: "DELETE FROM rides WHERE minutes IS NULL;", setup: Self.rides)
        #expect(grader.grade("DELETE FROM rides WHERE minutes IS NULL").passed)
        #expect(grader.grade("DELETE FROM rides WHERE NOT (minutes IS NOT NULL)").passed)
        for wrong in ["DELETE FROM rides WHERE to_station IS NULL", "DELETE FROM rides WHERE fare = 0"] {
            let verdict = grader.grade(wrong)
            #expect(!verdict.passed, "\(wrong)")
            #expect(verdict.summary.contains("hidden variant"), "\(wrong): \(verdict.explanation)")
        }
    }

    @Test("sql-result: integer division of a whole-number average fails on the variant; AVG passes")
    func integerDivision() throws {
        let grader = try grader(check: "kind: sql-result", solution: "SELECT bike_id, AVG(minutes) AS m FROM rides WHERE minutes IS NOT NULL GROUP BY bike_id;", setup: Self.rides)
        #expect(grader.grade("SELECT bike_id, AVG(minutes) AS m FROM rides WHERE minutes IS NOT NULL GROUP BY bike_id").passed)
        #expect(grader.grade("SELECT bike_id, SUM(minutes) * 1.0 / COUNT(minutes) FROM rides GROUP BY bike_id HAVING COUNT(minutes) > 0").passed)
        let verdict = grader.grade("SELECT bike_id, SUM(minutes) / COUNT(minutes) FROM rides WHERE minutes IS NOT NULL GROUP BY bike_id")
        #expect(!verdict.passed)
        #expect(verdict.summary.contains("hidden variant"), "\(verdict.explanation)")
    }

    @Test("the copies keep the CHECK constraints and leave 0/1 flags alone")
    func constraintsHold() throws {
        let lesson = try parseLesson(lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT 1")], setup: Self.rides))
        let variant = try Connection.inMemory(copying: try LessonDatabases(lesson: lesson).variant(ofStep: 0), policy: .standard)
        #expect(try variant.fetchAll("SELECT count(*) FROM rides WHERE minutes <= 0 OR paid NOT IN (0, 1) OR fare IS NULL") == [[.integer(0)]])
        #expect(try variant.fetchAll("SELECT count(*) FROM rides WHERE minutes IS NULL AND to_station IS NOT NULL") != [[.integer(0)]],
                "some copy has no minutes but a station")
        #expect(try variant.fetchAll("SELECT DISTINCT paid FROM rides") == [[.integer(1)]])
    }
}
