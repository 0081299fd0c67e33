import GPLRSupport

/// Why `gplr demo` could not go on.
struct DemoError: Error, CustomStringConvertible {
    let code: Code
    let message: String
    let underlying: (any Error)?

    init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    var description: String {
        guard let underlying else { return "demo: \(message)" }
        return "demo: \(message): \(underlying)"
    }
}

extension DemoError {
    /// What kind of failure this is; compare against the statics.
    typealias Code = ErrorCode<DemoError>
}

extension ErrorCode<DemoError> {
    /// The `--redis` server does not answer.
    static var redisUnreachable: Self { Self("redisUnreachable") }
    /// A worker the demo started ended during the run.
    static var workerExited: Self { Self("workerExited") }
}
