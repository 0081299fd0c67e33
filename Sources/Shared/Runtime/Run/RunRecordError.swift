/// A run record could not be created, found or read.
public struct RunRecordError: Error, CustomStringConvertible, Sendable {
    /// What went wrong. Compare against the statics; the set may grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case exists, notFound, malformed, busy, lost }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A run with this id already exists (creating it again would mix two runs' jobs).
        public static let exists = Code(.exists)
        /// No record for this run id.
        public static let notFound = Code(.notFound)
        /// A field is missing or does not decode.
        public static let malformed = Code(.malformed)
        /// Another coordinator holds the run's lease (``CoordinatorLease``).
        public static let busy = Code(.busy)
        /// The record vanished under its coordinator: Redis came back empty (restarted without persistence) or the
        /// run's keys were deleted.
        public static let lost = Code(.lost)

        public var description: String {
            switch value {
            case .exists: "run exists"
            case .notFound: "run not found"
            case .malformed: "malformed run record"
            case .busy: "run busy"
            case .lost: "run lost by Redis"
            }
        }
    }

    public let code: Code
    public let message: String
    public let run: String
    public let underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, run: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.run = run
        self.underlying = underlying
    }

    /// `run <id>: no such run (see `gplr runs`)`: the error of every command given an unknown run id.
    public static func noSuchRun(_ runID: String) -> RunRecordError {
        RunRecordError(.notFound, "no such run (see `gplr runs`)", run: runID)
    }

    public var description: String {
        "run \(run): \(message)" + (underlying.map { " (\($0))" } ?? "")
    }
}
