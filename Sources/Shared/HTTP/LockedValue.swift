import Foundation

/// A value guarded by a lock, for the little state the HTTP layer shares between the curl thread and async
/// callers. (`Synchronization.Mutex` needs macOS 15; the package still supports macOS 14.)
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
