import Foundation

/// A value guarded by a lock, for small state shared between threads (the curl thread and async callers, the
/// simulator's event loops). (`Synchronization.Mutex` needs macOS 15; the package still supports macOS 14.)
public final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
