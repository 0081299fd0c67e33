/// Why a distributed run stopped or could not start.
struct DistributedRunError: Error, CustomStringConvertible, Sendable {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case cancelled, timedOut, badResult, invalidInput, spendingCap, lost }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// `gplr cancel` marked the run cancelled.
        static let cancelled = Code(.cancelled)
        /// A step's jobs did not all finish within `--timeout`.
        static let timedOut = Code(.timedOut)
        /// A job result does not fit the job (wrong shard, undecodable): a worker of another version?
        static let badResult = Code(.badResult)
        /// The run's inputs (snapshot, record, options) do not fit together.
        static let invalidInput = Code(.invalidInput)
        /// The LLM spending cap (`--llm-max-cost`) is reached.
        static let spendingCap = Code(.spendingCap)
        /// Redis lost the run and this coordinator cannot rebuild it: the message names the command to run.
        static let lost = Code(.lost)

        var description: String {
            switch value {
            case .cancelled: "cancelled"
            case .timedOut: "timed out"
            case .badResult: "bad job result"
            case .invalidInput: "invalid input"
            case .spendingCap: "spending cap reached"
            case .lost: "run lost by Redis"
            }
        }
    }

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
