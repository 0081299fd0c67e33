import Dispatch

extension Snapshot {
    /// `(0 ..< count).map(body)`, with the iterations spread over the cores by `concurrentPerform`.
    static func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let slots = Slots<T>(count: count)
        defer { slots.release() }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots.set(index, body(index))
            }
        }
        return slots.collect()
    }

    /// Result storage where each iteration writes only its own slot, so no locking is needed; reading happens
    /// after `concurrentPerform` has returned (which orders all writes before it).
    private struct Slots<T>: @unchecked Sendable {
        // @unchecked: disjoint writes to a raw buffer, as said above; the compiler cannot see that.
        let buffer: UnsafeMutableBufferPointer<T?>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        func set(_ index: Int, _ value: T) { buffer[index] = value }

        func collect() -> [T] { buffer.compactMap { $0 } }

        func release() {
            buffer.deinitialize()
            buffer.deallocate()
        }
    }
}
