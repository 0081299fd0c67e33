/// Why `gplr demo` could not go on.
struct DemoError: Error, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case redisUnreachable, workerExited }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// The `--redis` server does not answer.
        static let redisUnreachable = Code(.redisUnreachable)
        /// A worker the demo started ended during the run.
        static let workerExited = Code(.workerExited)
        var description: String { value.rawValue }
    }

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
