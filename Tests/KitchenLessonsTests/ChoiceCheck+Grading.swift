import Testing
@testable import KitchenLessons

@Suite("choice: multiple choice by letter, number or text, and short answers")
struct ChoiceCheckGrading {
    let options = "kind: choice\noptions:\n  - The menu\n  - The pantry\n  - The kitchen"

    @Test("the right option passes by letter, number or text, ignoring case, space and a closing bracket", arguments: [
        "b", "B", " b) ", "2", "The pantry", "  the PANTRY. ",
    ])
    func rightOption(answer: String) throws {
        let verdict = try grader(check: options, solution: "The pantry").grade(answer)
        #expect(verdict.passed)
        #expect(verdict.summary == "Correct: The pantry.")
    }

    @Test("a wrong option fails, naming the letter chosen", arguments: [("a", "a"), ("1", "a"), ("the kitchen", "c")])
    func wrongOption(answer: String, letter: String) throws {
        let verdict = try grader(check: options, solution: "The pantry").grade(answer)
        #expect(!verdict.passed)
        #expect(verdict.summary == "\(letter)) is not the right answer.")
    }

    @Test("an answer that is no option lists the options")
    func notAnOption() throws {
        let verdict = try grader(check: options, solution: "The pantry").grade("d")
        #expect(!verdict.passed)
        #expect(verdict.summary == "d is not one of the choices. Answer with a letter:")
        #expect(verdict.details == ["  a) The menu", "  b) The pantry", "  c) The kitchen"])
        #expect(!(try grader(check: options, solution: "The pantry").grade("4").passed))
    }

    @Test("a solution given by letter also works")
    func solutionByLetter() throws {
        #expect(try grader(check: options, solution: "b").grade("The pantry").passed)
    }

    @Test("a solution that is none of the options is the lesson's bug, not the learner's")
    func brokenSolution() throws {
        let verdict = try grader(check: options, solution: "The garden").grade("a")
        #expect(!verdict.passed)
        #expect(verdict.summary.hasPrefix("This step is broken, not your answer: test.yaml:"))
        #expect(verdict.summary.contains("the solution of step 'only' is not one of its options"))
    }

    @Test("short answers: the solution and every accepted answer pass, ignoring case and surrounding space")
    func shortAnswers() throws {
        let grader = try grader(check: "kind: choice\naccept:\n  - database\n  - a database", solution: "the database")
        for answer in ["the database", "  Database ", "A DATABASE"] {
            #expect(grader.grade(answer).passed, "\(answer)")
        }
        let verdict = grader.grade("a server")
        #expect(!verdict.passed)
        #expect(verdict.summary == "That is not the right answer.")
    }

    @Test("an empty answer fails with how to answer")
    func empty() throws {
        #expect(try grader(check: options, solution: "b").grade(" ").summary == "No answer yet: answer with .answer followed by your choice.")
    }

    @Test("the options are shown with letters, and the step is answered with text")
    func presentation() throws {
        let lesson = try parseLesson(lessonYAML(steps: [stepYAML(check: options, solution: "b")]))
        let check = lesson.steps[0].check
        #expect(check.answerKind == .text)
        #expect(check.presentation == ["  a) The menu", "  b) The pantry", "  c) The kitchen", "Type the letter of your choice (or .answer and the letter)."])
    }
}
