/// An error of the job queue itself (Redis failures are thrown as ``RedisError``).
struct JobQueueError: Error, CustomStringConvertible, Sendable, Hashable {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case unsupportedVersion = "unsupported-version", malformedEnvelope = "malformed-envelope"
            case unexpectedReply = "unexpected-reply", invalidJob = "invalid-job"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The envelope's version is not one this build understands.
        static let unsupportedVersion = Code(.unsupportedVersion)
        /// The stream entry or its envelope could not be decoded.
        static let malformedEnvelope = Code(.malformedEnvelope)
        /// Redis answered with a shape the queue did not expect.
        static let unexpectedReply = Code(.unexpectedReply)
        /// The job given to `enqueue` is unusable (empty id, wrong version, ...).
        static let invalidJob = Code(.invalidJob)

        var description: String { value.rawValue }
    }

    var code: Code
    var message: String
    /// The job id, when known.
    var jobID: String?

    var description: String {
        "job queue \(code) error" + (jobID.map { " (job \($0))" } ?? "") + ": " + message
    }
}
