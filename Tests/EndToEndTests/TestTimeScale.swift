import Foundation
import Testing

/// How many times longer than usual this run's time bounds may be. `make sanitize` sets
/// KITCHEN_TEST_TIME_SCALE (ThreadSanitizer and AddressSanitizer make everything several times
/// slower); everywhere else it is 1. A bound that exists to catch a hang is multiplied by it; a
/// bound that compares two measurements of the same run needs no scaling.
enum TestTimeScale {
    static let factor: Double = {
        guard let text = ProcessInfo.processInfo.environment["KITCHEN_TEST_TIME_SCALE"], let value = Double(text), value >= 1 else { return 1 }
        return value
    }()
}

extension TimeLimitTrait.Duration {
    /// A time limit that exists to catch a hang: `minutes` times KITCHEN_TEST_TIME_SCALE, rounded
    /// up. Under `make sanitize` a test can wait minutes for a thread of the cooperative pool
    /// while other tests hold them, so an unscaled limit failed tests that were only waiting.
    static func scaledMinutes(_ minutes: Int) -> Self {
        .minutes(Int((Double(minutes) * TestTimeScale.factor).rounded(.up)))
    }
}
