import Dispatch
import Synchronization

/// A value computed on another thread while the caller goes on with other work; `value` waits
/// for it. The tutor loads its lessons this way while it makes the server panel.
final class BackgroundValue<Value: Sendable>: Sendable {
    private let group = DispatchGroup()
    private let result = Mutex<Value?>(nil)

    init(_ compute: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async(group: group) { [self] in
            let value = compute()
            result.withLock { $0 = value }
        }
    }

    var value: Value {
        group.wait()
        return result.withLock { $0! }
    }
}
