import GPLRRuntime
import Synchronization

/// The phase of each run whose jobs this worker sees, read from the run record (one `HGET`) and kept for a
/// short time, so that a burst of jobs of one run costs one read and a `gplr cancel` is noticed within
/// `maxAge`.
final class RunPhaseCache: Sendable {
    private struct Entry {
        var phase: RunPhase?
        /// On ``clock``.
        var readAt: Duration
    }

    private let records: RunRecordStore
    private let maxAge: Duration
    private let clock: WorkerClock
    private let entries = Mutex<[String: Entry]>([:])

    init(records: RunRecordStore, maxAge: Duration = .seconds(1), clock: WorkerClock = .continuous) {
        self.records = records
        self.maxAge = maxAge
        self.clock = clock
    }

    /// The run's phase (`nil` when the run has no record, e.g. jobs enqueued without a coordinator), at most
    /// `maxAge` old.
    func phase(run runID: String) async throws -> RunPhase? {
        let now = clock.now
        if let entry = entries.withLock({ $0[runID] }), now - entry.readAt < maxAge { return entry.phase }
        let phase = try await records.phase(run: runID)
        entries.withLock { entries in
            // Forget runs not seen for a while, so a long-lived worker does not keep every run it ever saw.
            entries = entries.filter { now - $0.value.readAt < .seconds(60) }
            entries[runID] = Entry(phase: phase, readAt: now)
        }
        return phase
    }
}
