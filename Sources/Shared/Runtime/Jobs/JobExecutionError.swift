public import GPLRSupport

/// Why a worker could not run a job. ``isRetriable`` tells the worker whether another delivery may succeed
/// (`JobQueue.fail(_:error:retriable:)`): a payload that does not validate never will, a snapshot that could
/// not be fetched may.
public struct JobExecutionError: Error, CustomStringConvertible, Sendable {
    public var code: Code
    public var message: String
    /// Whether running the job again (possibly on another worker) may succeed.
    public var isRetriable: Bool
    /// The lower-level error, if any.
    public var underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, retriable: Bool = false, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.isRetriable = retriable
        self.underlying = underlying
    }

    public var description: String {
        "\(code): \(message)" + (underlying.map { " (\(ErrorText.describe($0)))" } ?? "")
    }
}

extension JobExecutionError {
    /// What kind of failure this is; compare against the statics.
    public typealias Code = ErrorCode<JobExecutionError>
}

extension ErrorCode<JobExecutionError> {
    /// This worker does not run jobs of this kind.
    public static var unsupportedKind: Self { Self("unsupported-kind") }
    /// The payload's format version is not one this build understands.
    public static var unsupportedVersion: Self { Self("unsupported-version") }
    /// The payload does not decode, or a parameter is invalid (walk length, β, ε, persona set, ...).
    public static var invalidPayload: Self { Self("invalid-payload") }
    /// A user or persona index is outside the snapshot's users or the job's persona set.
    public static var outOfRange: Self { Self("out-of-range") }
    /// The labels file of a `labelsFile` labeler is missing, unreadable or malformed.
    public static var labelsFile: Self { Self("labels-file") }
    /// The prototypes (or the carried residuals) of an `affinity` job are missing from Redis or malformed.
    public static var prototypes: Self { Self("prototypes") }
    /// The snapshot could not be fetched or did not verify.
    public static var snapshot: Self { Self("snapshot") }
    /// The algorithm itself failed.
    public static var computation: Self { Self("computation") }
    /// An `llm` labeler cannot run here: no API key on this worker, or its client cannot be built.
    public static var llm: Self { Self("llm") }
}
