import KitchenSQL
import Testing
@testable import KitchenLessons

@Suite("ResultDiff: columns, multisets, order and REAL tolerance")
struct ResultDiffComparison {
    func result(_ columns: [String], _ rows: [[DatabaseValue]]) -> ResultSet {
        ResultSet(columns: columns, rows: rows)
    }

    @Test("12 and 12.0 are the same value")
    func integerAndRealAreEqual() {
        let expected = result(["price"], [[.integer(12)]])
        let actual = result(["price"], [[.real(12.0)]])
        #expect(ResultDiff().differences(expected: expected, actual: actual) == nil)
        #expect(ResultDiff().differences(expected: expected, actual: result(["price"], [[.real(12.5)]])) != nil)
    }

    @Test("the text '12' is not the number 12")
    func textIsNotNumber() {
        let differences = ResultDiff().differences(expected: result(["a"], [[.integer(12)]]), actual: result(["a"], [[.text("12")]]))
        #expect(differences != nil)
    }

    @Test("NULL equals NULL when comparing rows, and differs from the empty text")
    func nulls() {
        #expect(ResultDiff().differences(expected: result(["a"], [[.null]]), actual: result(["a"], [[.null]])) == nil)
        let differences = ResultDiff().differences(expected: result(["a"], [[.null]]), actual: result(["a"], [[.text("")]]))
        #expect(differences == ["Expected 1 row, got 1 row.", "missing 1 row, for example:", "  - NULL", "extra 1 row that should not be there, for example:", "  + ''"])
    }

    @Test("REAL values within the relative tolerance are equal; further apart they are not")
    func tolerance() {
        let expected = result(["avg"], [[.real(2.0 / 3.0)]])
        #expect(ResultDiff(tolerance: 1e-6).differences(expected: expected, actual: result(["avg"], [[.real(2.0 / 3.0 * (1 + 1e-9))]])) == nil)
        #expect(ResultDiff(tolerance: 1e-6).differences(expected: expected, actual: result(["avg"], [[.real(2.0 / 3.0 * (1 + 1e-4))]])) != nil)
        #expect(ResultDiff().differences(expected: result(["s"], [[.real(0.3)]]), actual: result(["s"], [[.real(0.1 + 0.2)]])) == nil,
                "0.1 + 0.2 is 0.3 for a learner")
    }

    @Test("two REAL values closer than the tolerance are equal even when they round to different digits")
    func toleranceAcrossRoundingBoundary() {
        // 0.92857142… and 1.0000001 times it differ by 1e-7 relative, well inside a 1e-6 tolerance.
        let value = 6.5 / 7.0
        let expected = result(["x"], [[.real(value)]])
        let actual = result(["x"], [[.real(value * 1.0000001)]])
        #expect(abs(value * 1.0000001 - value) / value < 1e-6)
        #expect(ResultDiff(tolerance: 1e-6).differences(expected: expected, actual: actual) == nil)
    }

    @Test("a REAL within the tolerance of a whole number equals that number")
    func nearWholeNumber() {
        // 0.1 * 3 * 10 is 3.0000000000000004 in binary floating point.
        let sum = 0.1 * 3 * 10
        #expect(sum != 3.0)
        let expected = result(["total"], [[.integer(3)]])
        #expect(ResultDiff().differences(expected: expected, actual: result(["total"], [[.real(sum)]])) == nil)
    }

    @Test("duplicates count: rows compare as a multiset")
    func multisetDuplicates() {
        let expected = result(["name"], [[.text("Tea")], [.text("Tea")], [.text("Soup")]])
        let actual = result(["name"], [[.text("Tea")], [.text("Soup")], [.text("Soup")]])
        let differences = ResultDiff().differences(expected: expected, actual: actual)
        #expect(differences == [
            "Expected 3 rows, got 3 rows.",
            "missing 1 row, for example:",
            "  - Tea",
            "extra 1 row that should not be there, for example:",
            "  + Soup",
        ])
        #expect(ResultDiff().differences(expected: expected, actual: result(["name"], [[.text("Soup")], [.text("Tea")], [.text("Tea")]])) == nil)
    }

    @Test("a row missing its duplicate is missing once")
    func missingDuplicate() {
        let expected = result(["n"], [[.integer(1)], [.integer(1)]])
        let differences = ResultDiff().differences(expected: expected, actual: result(["n"], [[.integer(1)]]))
        #expect(differences == ["Expected 2 rows, got 1 row.", "missing 1 row, for example:", "  - 1"])
    }

    @Test("the number of columns is checked before the rows")
    func columnCountFirst() {
        let differences = ResultDiff().differences(expected: result(["a", "b"], [[.integer(1), .integer(2)]]), actual: result(["a"], [[.integer(1)]]))
        #expect(differences == ["wrong number of columns: expected 2 (a, b), got 1 (a)."])
    }

    @Test("strict order compares positions only once the rows are right")
    func strictOrder() {
        let expected = result(["n"], [[.integer(1)], [.integer(2)], [.integer(3)]])
        let swapped = result(["n"], [[.integer(1)], [.integer(3)], [.integer(2)]])
        #expect(ResultDiff(order: .any).differences(expected: expected, actual: swapped) == nil)
        #expect(ResultDiff(order: .strict).differences(expected: expected, actual: swapped)?.first == "The rows are right but the order is not: row 2 is out of place.")
        let wrong = result(["n"], [[.integer(3)], [.integer(2)], [.integer(4)]])
        #expect(ResultDiff(order: .strict).differences(expected: expected, actual: wrong)?.first == "Expected 3 rows, got 3 rows.")
    }

    @Test("rows are described as a learner reads them")
    func describe() {
        #expect(ResultDiff.describe([.text("Pizza"), .real(12.5), .null, .integer(3), .text("")]) == "Pizza | 12.5 | NULL | 3 | ''")
    }
}
