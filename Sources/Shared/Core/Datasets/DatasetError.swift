public import GPLRSupport

/// A failure reading or writing a dataset file (CSV, labels, persona set, synthetic output), naming the file,
/// the 1-based line and the column where known.
public struct DatasetError: Error, CustomStringConvertible, Sendable {
    public var code: Code
    /// What went wrong, for a person.
    public var message: String
    /// The file the error is about.
    public var file: String
    /// The 1-based line the offending row starts on, if the error is about a row.
    public var line: Int?
    /// The column (header name) involved, if any.
    public var column: String?
    /// The lower-level error, if any (an `errno` description, a decoding error).
    public var underlying: (any Error & Sendable)?

    public init(
        _ code: Code, _ message: String, file: String, line: Int? = nil, column: String? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.underlying = underlying
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": \(code)"
        if let column { text += " in column '\(column)'" }
        text += ": \(message)"
        if let underlying { text += " (\(underlying))" }
        return text
    }
}

extension DatasetError {
    /// What kind of failure; compare against the statics.
    public typealias Code = ErrorCode<DatasetError>
}

extension ErrorCode<DatasetError> {
    public static var fileNotFound: Self { Self("file not found") }
    public static var readFailed: Self { Self("read failed") }
    public static var writeFailed: Self { Self("write failed") }
    /// A required header column (or a required file of a dataset directory) is absent.
    public static var missingColumn: Self { Self("missing column") }
    public static var emptyFile: Self { Self("empty file") }
    public static var wrongFieldCount: Self { Self("wrong field count") }
    /// A field does not parse as what its column needs (an integer count, a non-empty id).
    public static var badValue: Self { Self("bad value") }
    public static var unterminatedQuote: Self { Self("unterminated quote") }
    /// A character other than a separator follows a closing quote.
    public static var badQuote: Self { Self("bad quote") }
    public static var badJSON: Self { Self("bad JSON") }
    public static var unknownPersona: Self { Self("unknown persona") }
    public static var duplicateUser: Self { Self("duplicate user") }
    public static var invalidConfiguration: Self { Self("invalid configuration") }
    /// An id or a name is not valid UTF-8 (see ``InvalidUTF8Policy``).
    public static var badEncoding: Self { Self("bad encoding") }
    /// A value is longer or more numerous than a limit allows (``IngestLimits``, persona-set limits).
    public static var limitExceeded: Self { Self("limit exceeded") }
    /// Two rows say contradictory things (an Instacart order placed by two users).
    public static var conflictingRows: Self { Self("conflicting rows") }
    /// The purchase counts of one (user, item) pair sum past what a snapshot holds (2³² − 1).
    public static var countOverflow: Self { Self("count overflow") }
    /// The dataset has no usable purchase: the graph would have no user or no edge.
    public static var noPurchases: Self { Self("no purchases") }
}
