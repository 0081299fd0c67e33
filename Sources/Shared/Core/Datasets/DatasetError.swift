/// A failure reading or writing a dataset file (CSV, labels, persona set, synthetic output), naming the file,
/// the 1-based line and the column where known.
public struct DatasetError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure; compare against the statics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case fileNotFound = "file not found"
            case readFailed = "read failed"
            case writeFailed = "write failed"
            case missingColumn = "missing column"
            case emptyFile = "empty file"
            case wrongFieldCount = "wrong field count"
            case badValue = "bad value"
            case unterminatedQuote = "unterminated quote"
            case badQuote = "bad quote"
            case badJSON = "bad JSON"
            case unknownPersona = "unknown persona"
            case duplicateUser = "duplicate user"
            case invalidConfiguration = "invalid configuration"
            case badEncoding = "bad encoding"
            case limitExceeded = "limit exceeded"
            case conflictingRows = "conflicting rows"
            case countOverflow = "count overflow"
            case noPurchases = "no purchases"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        public static let fileNotFound = Code(.fileNotFound)
        public static let readFailed = Code(.readFailed)
        public static let writeFailed = Code(.writeFailed)
        /// A required header column (or a required file of a dataset directory) is absent.
        public static let missingColumn = Code(.missingColumn)
        public static let emptyFile = Code(.emptyFile)
        public static let wrongFieldCount = Code(.wrongFieldCount)
        /// A field does not parse as what its column needs (an integer count, a non-empty id).
        public static let badValue = Code(.badValue)
        public static let unterminatedQuote = Code(.unterminatedQuote)
        /// A character other than a separator follows a closing quote.
        public static let badQuote = Code(.badQuote)
        public static let badJSON = Code(.badJSON)
        public static let unknownPersona = Code(.unknownPersona)
        public static let duplicateUser = Code(.duplicateUser)
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// An id or a name is not valid UTF-8 (see ``InvalidUTF8Policy``).
        public static let badEncoding = Code(.badEncoding)
        /// A value is longer or more numerous than a limit allows (``IngestLimits``, persona-set limits).
        public static let limitExceeded = Code(.limitExceeded)
        /// Two rows say contradictory things (an Instacart order placed by two users).
        public static let conflictingRows = Code(.conflictingRows)
        /// The purchase counts of one (user, item) pair sum past what a snapshot holds (2³² − 1).
        public static let countOverflow = Code(.countOverflow)
        /// The dataset has no usable purchase: the graph would have no user or no edge.
        public static let noPurchases = Code(.noPurchases)

        public var description: String { base.rawValue }
    }

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
