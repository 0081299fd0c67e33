/// An error of the job queue itself (Redis failures are thrown as ``RedisError``).
public struct JobQueueError: Error, CustomStringConvertible, Sendable, Hashable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case unsupportedVersion = "unsupported-version", malformedEnvelope = "malformed-envelope"
            case unexpectedReply = "unexpected-reply", invalidJob = "invalid-job"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The envelope's version is not one this build understands.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The stream entry or its envelope could not be decoded.
        public static let malformedEnvelope = Code(.malformedEnvelope)
        /// Redis answered with a shape the queue did not expect.
        public static let unexpectedReply = Code(.unexpectedReply)
        /// The job given to `enqueue` is unusable (empty id, wrong version, ...).
        public static let invalidJob = Code(.invalidJob)

        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String
    /// The job id, when known.
    public var jobID: String?

    public init(code: Code, message: String, jobID: String? = nil) {
        self.code = code
        self.message = message
        self.jobID = jobID
    }

    public var description: String {
        "job queue \(code) error" + (jobID.map { " (job \($0))" } ?? "") + ": " + message
    }
}
