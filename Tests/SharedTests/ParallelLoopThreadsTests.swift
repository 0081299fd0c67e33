import Dispatch
import Foundation
import Synchronization
import Testing

@testable import GPLRCore
@testable import GPLRRuntime

/// ``ParallelLoop`` runs on threads of its own: Swift's tasks keep running while a loop keeps every core busy
/// (with `concurrentPerform` no task ran until the loop ended, and leases were lost that way), and its results are
/// those of a serial loop.
@Suite(.timeLimit(.minutes(2))) struct ParallelLoopThreadsTests {
    @Test func tasksKeepRunningWhileALoopUsesEveryCore() async throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let ticks = Shared(0)
        let ticking = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(10))
                ticks.value.withLock { $0 += 1 }
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        // Started from the blocking executor, as the coordinator's and the workers' solves are.
        let (ticksBefore, ticksAfter) = try await BlockingExecutor.shared.run {
            let before = ticks.value.withLock { $0 }
            ParallelLoop.run(chunks: cores * 4, threads: cores) { _ in
                let until = Date().addingTimeInterval(0.3)
                while Date() < until {}
            }
            return (before, ticks.value.withLock { $0 })
        }
        ticking.cancel()
        // The loop ran about 1.2 s on every core; a starved pool would have ticked zero times meanwhile.
        #expect(ticksAfter - ticksBefore >= 5, "tasks ticked \(ticksAfter - ticksBefore) times during the loop")
    }

    @Test func everyChunkRunsOnceWithItsOwnStateAcrossManyLoops() {
        for threads in [1, 2, 3, 8] {
            for chunks in [0, 1, 5, 64] {
                var hits = [Int](repeating: 0, count: chunks)
                hits.withUnsafeMutableBufferPointer { buffer in
                    let base = buffer.baseAddress
                    ParallelLoop.run(chunks: chunks, threads: threads) { chunk in base![chunk] += 1 }
                }
                #expect(hits.allSatisfy { $0 == 1 }, "threads \(threads), chunks \(chunks)")
                var sums = [Int](repeating: 0, count: chunks)
                sums.withUnsafeMutableBufferPointer { buffer in
                    let base = buffer.baseAddress
                    ParallelLoop.run(chunks: chunks, threads: threads, setup: { [Int](repeating: 0, count: 4) }) {
                        scratch, chunk in
                        scratch[chunk % 4] += 1  // state is per thread: never shared
                        base![chunk] = chunk * 2
                    }
                }
                #expect(sums == (0..<chunks).map { $0 * 2 })
            }
        }
        // Loops started from several threads at once each finish (helpers are started, never waited for).
        let group = DispatchGroup()
        let totals = Shared([Int](repeating: 0, count: 4))
        for caller in 0..<4 {
            group.enter()
            Thread {
                var local = [Int](repeating: 0, count: 100)
                local.withUnsafeMutableBufferPointer { buffer in
                    let base = buffer.baseAddress
                    ParallelLoop.run(chunks: 100, threads: 3) { chunk in base![chunk] = chunk }
                }
                totals.value.withLock { $0[caller] = local.reduce(0, +) }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(totals.value.withLock { $0 } == [Int](repeating: 4950, count: 4))
    }
}

/// A value several threads update (a Mutex the closures can capture).
private final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}
