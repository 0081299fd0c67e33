import Foundation
import Synchronization
import Testing

@testable import GPLRCore
@testable import GPLRRuntime

/// Swift's tasks keep running while a ``ParallelLoop`` keeps every core busy (with `concurrentPerform` no task ran
/// until the loop ended, and leases were lost that way). It needs a free thread for the tasks, so `Ops/test.sh` runs
/// it on its own after the rest of the suite.
@Suite(.timeLimit(.minutes(2))) struct KernelThreadStarvationTests {
    @Test func tasksKeepRunningWhileALoopUsesEveryCore() async throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let ticks = Shared(0)
        let ticking = try await Self.tick(ticks)
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

    /// A task on Swift's pool that counts 10 ms sleeps into `ticks` until cancelled (started and given 50 ms).
    private static func tick(_ ticks: Shared<Int>) async throws -> Task<Void, Never> {
        let ticking = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(10))
                ticks.value.withLock { $0 += 1 }
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        return ticking
    }

    /// Two heavy jobs on the blocking executor at once (a worker with `--concurrency 2` and two affinity jobs) on a
    /// 2-core machine: each has a thread of its own, and Swift's tasks keep one of theirs.
    @Test func tasksKeepRunningWhileTwoBlockingJobsUseEveryCore() async throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let ticks = Shared(0)
        let ticking = try await Self.tick(ticks)
        let counts = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for _ in 0..<cores {
                group.addTask {
                    try await BlockingExecutor.shared.run {
                        let before = ticks.value.withLock { $0 }
                        let until = Date().addingTimeInterval(1)
                        while Date() < until {}
                        return (before, ticks.value.withLock { $0 })
                    }
                }
            }
            var all: [(Int, Int)] = []
            for try await count in group { all.append(count) }
            return all
        }
        ticking.cancel()
        let during = counts.map { $0.1 - $0.0 }.min() ?? 0
        #expect(during >= 5, "tasks ticked \(during) times while \(cores) blocking jobs ran")
    }
}

/// A value several threads update (a Mutex the closures can capture).
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}
