import GPLRSupport

/// Why a distributed run stopped or could not start.
struct DistributedRunError: Error, CustomStringConvertible, Sendable {
    let code: Code
    let message: String
    let run: String
    let underlying: (any Error & Sendable)?

    init(_ code: Code, _ message: String, run: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.run = run
        self.underlying = underlying
    }

    var description: String { "run \(run): \(message)" + (underlying.map { " (\($0))" } ?? "") }
}

extension DistributedRunError {
    /// What kind of failure this is; compare against the statics.
    typealias Code = ErrorCode<DistributedRunError>
}

extension ErrorCode<DistributedRunError> {
    /// `gplr cancel` marked the run cancelled.
    static var cancelled: Self { Self("cancelled") }
    /// A step's jobs did not all finish within `--timeout`.
    static var timedOut: Self { Self("timed out") }
    /// A job result does not fit the job (wrong shard, undecodable): a worker of another version?
    static var badResult: Self { Self("bad job result") }
    /// The run's inputs (snapshot, record, options) do not fit together.
    static var invalidInput: Self { Self("invalid input") }
    /// The LLM spending cap (`--llm-max-cost`) is reached.
    static var spendingCap: Self { Self("spending cap reached") }
    /// Redis lost the run and this coordinator cannot rebuild it: the message names the command to run.
    static var lost: Self { Self("run lost by Redis") }
}
