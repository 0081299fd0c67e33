public import GPLRSupport

/// A run record could not be created, found or read.
public struct RunRecordError: Error, CustomStringConvertible, Sendable {
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

extension RunRecordError {
    /// What went wrong. Compare against the statics; the set may grow.
    public typealias Code = ErrorCode<RunRecordError>
}

extension ErrorCode<RunRecordError> {
    /// A run with this id already exists (creating it again would mix two runs' jobs).
    public static var exists: Self { Self("run exists") }
    /// No record for this run id.
    public static var notFound: Self { Self("run not found") }
    /// A field is missing or does not decode.
    public static var malformed: Self { Self("malformed run record") }
    /// Another coordinator holds the run's lease (``CoordinatorLease``).
    public static var busy: Self { Self("run busy") }
    /// The record vanished under its coordinator: Redis came back empty (restarted without persistence) or the
    /// run's keys were deleted.
    public static var lost: Self { Self("run lost by Redis") }
}
