import GPLRRuntime
import Synchronization

/// The mutable state of a running worker, shared by its loops: the jobs it holds, its counters, the stop
/// request, and how many jobs run (set by the dispatcher, read by metrics).
final class WorkerState: Sendable {
    private struct State {
        var held: [String: HeldJob] = [:]
        var running = 0
        var done = 0
        var failed = 0
        var stopping = false
    }

    /// A job the worker holds the lease of.
    struct HeldJob: Sendable {
        var job: LeasedJob
        /// `extendLease` said another worker took it.
        var leaseLost = false
        /// Its result or failure is being recorded (and the job acknowledged): no more extensions, and an
        /// extension that fails now is no lost lease.
        var settling = false
    }

    private let state = Mutex(State())

    // MARK: Stop

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Asks the dispatcher to take no new jobs (graceful shutdown).
    func requestStop() { state.withLock { $0.stopping = true } }

    // MARK: Running

    /// Jobs running right now.
    var runningJobs: Int { state.withLock { $0.running } }

    /// The dispatcher's count of running jobs.
    func setRunning(_ count: Int) { state.withLock { $0.running = count } }

    // MARK: Held jobs

    func hold(_ jobs: [LeasedJob]) {
        state.withLock { state in for job in jobs { state.held[job.entryID] = HeldJob(job: job) } }
    }

    /// Forgets a job (done, failed or abandoned).
    func release(_ job: LeasedJob) {
        _ = state.withLock { $0.held.removeValue(forKey: job.entryID) }
    }

    /// The held jobs whose lease is still ours.
    var jobsToExtend: [LeasedJob] {
        state.withLock { $0.held.values.filter { !$0.leaseLost && !$0.settling }.map(\.job) }
    }

    /// The job's outcome is about to be recorded (see ``HeldJob/settling``).
    func settle(_ job: LeasedJob) { state.withLock { $0.held[job.entryID]?.settling = true } }

    /// Whether `extendLease` said another worker took the job.
    func leaseLost(_ job: LeasedJob) -> Bool { state.withLock { $0.held[job.entryID]?.leaseLost ?? false } }

    /// Records that an extension was refused. `false` when the job was settling or released meanwhile: it was
    /// acknowledged by this worker (an extension racing its own completion), not taken by another.
    func markLeaseLost(_ job: LeasedJob) -> Bool {
        state.withLock { state in
            guard let held = state.held[job.entryID], !held.settling else { return false }
            state.held[job.entryID]?.leaseLost = true
            return true
        }
    }

    // MARK: Counters

    func countDone() { state.withLock { $0.done += 1 } }
    func countFailed() { state.withLock { $0.failed += 1 } }

    /// Held job ids (sorted) and the done/failed counters, for the heartbeat.
    var snapshot: (jobs: [String], done: Int, failed: Int) {
        state.withLock { state in (state.held.values.map(\.job.id).sorted(), state.done, state.failed) }
    }
}
