import GPLRSupport

/// Why a worker could not run a job. ``isRetriable`` tells the worker whether another delivery may succeed
/// (`JobQueue.fail(_:error:retriable:)`): a payload that does not validate never will, a snapshot that could
/// not be fetched may.
public struct JobExecutionError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case unsupportedKind = "unsupported-kind", unsupportedVersion = "unsupported-version"
            case invalidPayload = "invalid-payload", outOfRange = "out-of-range"
            case labelsFile = "labels-file", prototypes = "prototypes", snapshot = "snapshot"
            case computation = "computation", llm = "llm"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// This worker does not run jobs of this kind.
        public static let unsupportedKind = Code(.unsupportedKind)
        /// The payload's format version is not one this build understands.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The payload does not decode, or a parameter is invalid (walk length, β, ε, persona set, ...).
        public static let invalidPayload = Code(.invalidPayload)
        /// A user or persona index is outside the snapshot's users or the job's persona set.
        public static let outOfRange = Code(.outOfRange)
        /// The labels file of a `labelsFile` labeler is missing, unreadable or malformed.
        public static let labelsFile = Code(.labelsFile)
        /// The prototypes (or the carried residuals) of an `affinity` job are missing from Redis or malformed.
        public static let prototypes = Code(.prototypes)
        /// The snapshot could not be fetched or did not verify.
        public static let snapshot = Code(.snapshot)
        /// The algorithm itself failed.
        public static let computation = Code(.computation)
        /// An `llm` labeler cannot run here: no API key on this worker, or its client cannot be built.
        public static let llm = Code(.llm)

        public var description: String { value.rawValue }
    }

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
