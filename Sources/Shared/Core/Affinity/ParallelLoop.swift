import Dispatch
import Foundation
import Synchronization

/// Bounded data parallelism for the pure algorithms: `chunks` pieces of work on at most `threads` threads (the
/// caller's and helpers from ``KernelThreads``, never the threads Swift's tasks run on), handed out dynamically
/// (the machine may be shared, so static splits would wait on the slowest thread). Also the package's way to run
/// a few blocking pieces side by side (the run's output files).
package enum ParallelLoop {
    package static func run(chunks: Int, threads: Int, _ body: (Int) -> Void) {
        let workers = min(max(threads, 1), chunks)
        if workers <= 1 {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        let counter = ChunkCounter(limit: chunks)
        // The closures run only until `perform` returns and touch disjoint data per chunk (the callers'
        // contract), so handing them to the helper threads is safe although their captures are not Sendable.
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            perform(workers) {
                while let chunk = counter.next() { work.value(chunk) }
            }
        }
    }

    /// Like ``run(chunks:threads:_:)``, with per-worker state made by `setup` once per worker thread
    /// (scratch buffers that must not be shared).
    static func run<State>(
        chunks: Int, threads: Int, setup: () -> State, _ body: (inout State, Int) -> Void
    ) {
        let workers = min(max(threads, 1), chunks)
        if workers <= 1 {
            var state = setup()
            for chunk in 0..<chunks { body(&state, chunk) }
            return
        }
        let counter = ChunkCounter(limit: chunks)
        withoutActuallyEscaping(setup) { setup in
            withoutActuallyEscaping(body) { body in
                let work = UncheckedSendable((setup, body))
                perform(workers) {
                    var state = work.value.0()
                    while let chunk = counter.next() { work.value.1(&state, chunk) }
                }
            }
        }
    }

    /// Runs `worker` on the calling thread and on `workers − 1` of ``KernelThreads``, and returns when all have.
    private static func perform(_ workers: Int, _ worker: @escaping @Sendable () -> Void) {
        let done = DispatchGroup()
        KernelThreads.shared.start(workers - 1, group: done, job: worker)
        worker()
        done.wait()
    }

    /// Splits `rowCount` CSR rows into about `parts` contiguous ranges of similar cost (entries + rows).
    static func balancedRanges(offsets: UnsafeBufferPointer<Int>, parts: Int) -> [Range<Int>] {
        let rowCount = offsets.count - 1
        guard rowCount > 0 else { return [] }
        let parts = max(1, min(parts, rowCount))
        let total = Double(offsets[rowCount] + rowCount)
        var ranges: [Range<Int>] = []
        var start = 0
        for part in 1...parts {
            let target = total * Double(part) / Double(parts)
            // First row index whose cumulative cost reaches the target (binary search).
            var lo = start, hi = rowCount
            while lo < hi {
                let mid = (lo + hi) / 2
                if Double(offsets[mid + 1] + mid + 1) >= target { hi = mid } else { lo = mid + 1 }
            }
            let end = part == parts ? rowCount : min(rowCount, max(lo + 1, start))
            if end > start {
                ranges.append(start..<end)
                start = end
            }
        }
        if start < rowCount { ranges.append(start..<rowCount) }
        return ranges
    }

    /// The default thread count: the processors this process may use.
    static var defaultThreadCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// Hands out chunk indices `0 ..< limit` to concurrent workers.
private final class ChunkCounter: Sendable {
    private let nextChunk = Mutex(0)
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func next() -> Int? {
        nextChunk.withLock { nextChunk in
            guard nextChunk < limit else { return nil }
            nextChunk += 1
            return nextChunk - 1
        }
    }
}

/// Carries a value the compiler cannot prove Sendable to the helper threads (see ``ParallelLoop``).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    // @unchecked: the closures it carries are only called while `run` waits for its helpers to return.
    let value: Value
    init(_ value: Value) { self.value = value }
}
