import Dispatch
import Foundation
import Synchronization

/// The threads ``ParallelLoop`` runs its helpers on, and the blocking executor its work: plain threads of this
/// process's own, parked on a semaphore between jobs, never libdispatch's or Swift concurrency's shared threads.
///
/// Why not `DispatchQueue.concurrentPerform`: on Linux its work items and Swift's tasks share libdispatch's
/// global worker threads, so a loop over every core left no thread for any task until it ended — a
/// coordinator's lease renewal or a worker's job-lease extension waited out a whole solve (docs/decisions.md,
/// "Kernel threads"). Threads of our own are scheduled by the kernel beside the tasks' threads instead.
///
/// A loop takes idle threads and starts new ones when none is idle, so a helper always starts at once (nested or
/// concurrent loops cannot wait on each other); threads are kept for the next loop and never end.
package final class KernelThreads: Sendable {
    package static let shared = KernelThreads()

    private let idle = Mutex<[KernelThread]>([])

    /// Runs `job` on `count` threads at once; `done` is entered once per thread and left when its job has returned
    /// and the thread is idle again (so the next loop finds it).
    func start(_ count: Int, group done: DispatchGroup, job: @escaping @Sendable () -> Void) {
        for _ in 0..<count {
            done.enter()
            let thread = idle.withLock { $0.popLast() } ?? KernelThread(pool: self)
            thread.start(job, group: done)
        }
    }

    /// Runs `job` on a thread of its own at once (an idle one, or a new one), without waiting for it.
    package func run(_ job: @escaping @Sendable () -> Void) {
        start(1, group: DispatchGroup(), job: job)
    }

    fileprivate func park(_ thread: KernelThread) {
        idle.withLock { $0.append(thread) }
    }
}

/// One thread of ``KernelThreads``: waits for a job, runs it, goes back to the idle list.
private final class KernelThread: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    private let job = Mutex<(work: @Sendable () -> Void, done: DispatchGroup)?>(nil)

    init(pool: KernelThreads) {
        let thread = Thread { [self] in
            while true {
                wake.wait()
                guard let done = runJob() else { continue }
                pool.park(self)
                done.leave()
            }
        }
        thread.name = "gplr-kernel"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Runs the job handed over and returns its group; the job's closure is released before this returns, so a
    /// caller woken by the group (``ParallelLoop`` under `withoutActuallyEscaping`) finds it no longer held.
    private func runJob() -> DispatchGroup? {
        guard let (work, done) = job.withLock({ $0.take() }) else { return nil }
        work()
        return done
    }

    func start(_ work: @escaping @Sendable () -> Void, group done: DispatchGroup) {
        job.withLock { $0 = (work, done) }
        wake.signal()
    }
}
