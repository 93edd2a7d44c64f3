import CSignals
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT, through CSignals) and SIGTERM (what `kill` and service managers send), for the
/// commands that run until told to stop and must stop what they started first.
enum TerminationSignals {
    /// Set by the SIGTERM handler (an atomic store is async-signal-safe).
    static let terminated = Atomic<Bool>(false)

    static func install() {
        kitchen_sigint_install()
        signal(SIGTERM) { _ in TerminationSignals.terminated.store(true, ordering: .relaxed) }
    }

    /// True once either signal arrived.
    static func received() -> Bool {
        kitchen_sigint_take() != 0 || terminated.load(ordering: .relaxed)
    }
}
