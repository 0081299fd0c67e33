public import GPLRRedis

/// How a job kind's failures are retried (``JobDefinition/retryPolicy``).
///
/// Whether one failure may succeed on another delivery is the error's to say (``RetriableError``); the policy
/// bounds the deliveries. An error that does not say (an unknown type) is not retried: a failure nobody
/// classified is more likely a defect that fails the same way everywhere than a passing fault, and retrying it
/// only delays the dead letter that tells the operator.
public struct JobRetryPolicy: Sendable, Hashable {
    /// Deliveries before a retriable failure dead-letters the job (`nil`: the queue's `maxAttempts`).
    public var maxAttempts: Int?

    public init(maxAttempts: Int? = nil) {
        self.maxAttempts = maxAttempts
    }

    /// The queue's attempts, errors classified by ``RetriableError``.
    public static let standard = JobRetryPolicy()

    /// Whether a delivery that failed with `error` may be tried again.
    public func isRetriable(_ error: any Error) -> Bool {
        (error as? any RetriableError)?.isRetriable ?? false
    }
}

/// An error that knows whether running the same job again (possibly on another worker) may succeed.
protocol RetriableError: Error {
    var isRetriable: Bool { get }
}

extension JobExecutionError: RetriableError {}

/// A snapshot that could not be fetched or verified may be fetched again (from another copy, after a restart).
extension SnapshotStoreError: RetriableError {
    var isRetriable: Bool { true }
}

/// Connection-level Redis failures pass; ``RedisError/isRetriable`` says which.
extension RedisError: RetriableError {}
