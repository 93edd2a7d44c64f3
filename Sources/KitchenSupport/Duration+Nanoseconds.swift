/// A `Duration` as a whole number of nanoseconds, for the APIs that take one (Dispatch deadlines,
/// comparisons with a monotonic clock's reading). Durations here are milliseconds to minutes, far
/// from overflowing.
extension Duration {
    public var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
