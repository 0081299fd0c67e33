import GPLRSupport

/// An error of the job queue itself (Redis failures are thrown as ``RedisError``).
struct JobQueueError: Error, CustomStringConvertible, Sendable, Hashable {
    var code: Code
    var message: String
    /// The job id, when known.
    var jobID: String?

    var description: String {
        "job queue \(code) error" + (jobID.map { " (job \($0))" } ?? "") + ": " + message
    }
}

extension JobQueueError {
    /// What kind of failure this is; compare against the statics.
    typealias Code = ErrorCode<JobQueueError>
}

extension ErrorCode<JobQueueError> {
    /// The envelope's version is not one this build understands.
    static var unsupportedVersion: Self { Self("unsupported-version") }
    /// The stream entry or its envelope could not be decoded.
    static var malformedEnvelope: Self { Self("malformed-envelope") }
    /// Redis answered with a shape the queue did not expect.
    static var unexpectedReply: Self { Self("unexpected-reply") }
    /// The job given to `enqueue` is unusable (empty id, wrong version, ...).
    static var invalidJob: Self { Self("invalid-job") }
}
