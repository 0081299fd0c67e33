import GPLRRuntime

extension JobWaiter {
    /// Enqueues those of `jobs` that have no result to reuse (``reusableResults(among:)``) and logs
    /// "enqueued N `what` (M already done)`detail`": how every distributed step hands out its jobs.
    /// - Parameter beforeEnqueue: runs first when any job is to be enqueued, e.g. to store a side input the jobs
    ///   read (a worker may take a job the moment it is enqueued).
    func enqueueUnfinished(
        _ jobs: [JobEnvelope], what: String, detail: String = "", beforeEnqueue: () async throws -> Void = {}
    ) async throws {
        let done = try await reusableResults(among: Set(jobs.map(\.id)))
        let missing = jobs.filter { !done.contains($0.id) }
        if !missing.isEmpty { try await beforeEnqueue() }
        let added = try await queue.enqueue(missing)
        logger.info("  enqueued \(added) \(what) (\(done.count) already done)\(detail)")
    }
}
