/// What a learner has done: where they are, which steps they passed, how often they tried,
/// and the answer they are building for the current step. Saved as JSON in the Kitchen home.
public struct Progress: Codable, Sendable, Equatable {
    public struct LessonProgress: Codable, Sendable, Equatable {
        public var passed: [String] = []
        public var attempts: [String: Int] = [:]
        /// The step the learner is on in this lesson.
        public var currentStep: String?
        /// The statements (or choice) the learner gave for the current step, in order.
        public var answer: [String] = []
        /// True when the last statement of `answer` failed.
        public var answerFailedLast: Bool? = nil

        public init() {}
    }

    public var format = 1
    /// The lesson the learner was in last.
    public var currentLesson: String?
    public var lessons: [String: LessonProgress] = [:]

    public init() {}

    public func lesson(_ id: String) -> LessonProgress {
        lessons[id] ?? LessonProgress()
    }

    public func hasPassed(_ lessonID: String, step stepID: String) -> Bool {
        lessons[lessonID]?.passed.contains(stepID) ?? false
    }
}
