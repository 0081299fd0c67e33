import GPLRCore
import GPLRLLM
import GPLRRedis

/// The checks and conversions every job executor makes the same way.
extension JobExecutionError {
    /// Throws ``Code/outOfRange`` for the first of `indices` outside `0 ..< count`: "user 7 is not in 0 ..< 5
    /// (the snapshot's users)", `what` naming one of them ("user", "item").
    static func requireIndices(_ indices: [Int], below count: Int, of what: String) throws(JobExecutionError) {
        guard let bad = indices.first(where: { !(0..<count).contains($0) }) else { return }
        throw JobExecutionError(.outOfRange, "\(what) \(bad) is not in 0 ..< \(count) (the snapshot's \(what)s)")
    }

    /// R from a job's personas; a set that does not validate is ``Code/invalidPayload``.
    static func personaSet(_ personas: [Persona]) throws(JobExecutionError) -> PersonaSet {
        do {
            return try PersonaSet(personas)
        } catch {
            throw JobExecutionError(.invalidPayload, "the job's persona set is invalid", underlying: error)
        }
    }

    /// `body`'s value; the spending cap's refusal becomes an ``Code/llm`` failure, not retried: every delivery
    /// would be refused the same way, and the coordinator fails the run.
    static func refusingPastTheCap<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let reached as LLMSpendingCapReached {
            throw JobExecutionError(.llm, "\(reached)", underlying: reached)
        }
    }
}

extension LLMJobContext {
    /// The response cache of `spec`'s jobs: none when the spec turns it off or this worker has no Redis.
    func cache(for spec: LLMLabelerSpec) -> LLMResponseCache? {
        guard spec.cache, let redis else { return nil }
        return LLMResponseCache(
            redis: redis, keys: keys, ttl: spec.cacheTTLSeconds.map { .milliseconds(Int64($0 * 1000)) })
    }
}
