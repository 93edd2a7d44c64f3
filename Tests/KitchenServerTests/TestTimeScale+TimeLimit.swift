import Testing

extension TimeLimitTrait.Duration {
    /// A time limit that exists to catch a hang: `minutes` times KITCHEN_TEST_TIME_SCALE, rounded
    /// up. Under `make sanitize` a test can wait minutes for a thread of the cooperative pool
    /// while other tests hold them, so an unscaled limit failed tests that were only waiting.
    static func scaledMinutes(_ minutes: Int) -> Self {
        .minutes(Int((Double(minutes) * TestTimeScale.factor).rounded(.up)))
    }
}
