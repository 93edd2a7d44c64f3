import Foundation
import Testing
@testable import KitchenLessons

@Suite("CurriculumSelfTest: lessons on every core, the same report as one lesson after another")
struct CurriculumSelfTestOrder {
    let catalog = LessonLoader().loadDirectory(fixturesURL.appending(path: "broken").path)

    func summary(_ outcomes: [LessonSelfTest.Outcome]) -> [String] {
        outcomes.map { "\($0.lessonID)/\($0.stepID) \($0.file):\($0.line) \($0.problems)" }
    }

    @Test("in parallel, every step of every lesson is reported once, in lesson and step order, with the sequential verdicts",
          arguments: [1, 2, 3, 8])
    func sameAsSequential(workers: Int) {
        let sequential = catalog.lessons.flatMap { LessonSelfTest().run($0) }
        let parallel = CurriculumSelfTest(workers: workers).run(catalog.lessons)
        #expect(summary(parallel) == summary(sequential))
        // The folder holds both kinds, so a run that loses or invents failures would differ.
        #expect(parallel.contains { $0.passed })
        #expect(parallel.contains { !$0.passed })
    }

    @Test("the lesson list in a different order comes back in that order")
    func followsTheGivenOrder() {
        let reversed = Array(catalog.lessons.reversed())
        let outcomes = CurriculumSelfTest(workers: 2).run(reversed)
        var lessonOrder: [String] = []
        for outcome in outcomes where lessonOrder.last != outcome.lessonID { lessonOrder.append(outcome.lessonID) }
        #expect(lessonOrder == reversed.map(\.id))
    }

    @Test("no lessons, no outcomes")
    func empty() {
        #expect(CurriculumSelfTest(workers: 2).run([]).isEmpty)
    }

    @Test("a lesson of SQL steps costs one grading per step, per wrong answer and per empty answer")
    func costOfSQLSteps() throws {
        let lesson = try #require(catalog.lesson("good-one"))
        #expect(lesson.steps.allSatisfy { $0.check.answerKind != .routes })
        #expect(CurriculumSelfTest.cost(of: lesson) == lesson.steps.reduce(0) { $0 + 2 + $1.wrongAnswers.count })
    }

    @Test("a lesson over a database of several megabytes costs that many times more, so it starts first")
    func costOfLargeDatabases() throws {
        let lesson = try #require(catalog.lesson("good-one"))
        let base = CurriculumSelfTest.cost(of: lesson)
        #expect(CurriculumSelfTest.cost(of: lesson, setupBytes: 40_000) == base)
        #expect(CurriculumSelfTest.cost(of: lesson, setupBytes: 5 << 20) == base * 6)
    }
}

