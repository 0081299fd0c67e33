/// What an ingest does with an id or a name that is not valid UTF-8.
public enum InvalidUTF8Policy: String, Sendable, CaseIterable {
    /// Refuse the row, naming its file and line (the default: replacing bytes would merge distinct ids).
    case error
    /// Decode the value as ISO-8859-1 (Latin-1: each byte is the code point of the same number) and count it in
    /// ``IngestReport/latin1Decoded``; values that are valid UTF-8 stay as they are.
    case latin1
}

/// Size limits of an ingest's ids and names. A row over a limit is refused (or skipped with
/// ``IngestOptions/skipBadRows``) with its file, line and column.
public struct IngestLimits: Sendable, Equatable {
    /// Longest user or item id, in bytes.
    public var maxIDBytes: Int
    /// Longest item name (description), in bytes.
    public var maxNameBytes: Int

    /// 256 bytes per id, 4,096 bytes per item name.
    public init(maxIDBytes: Int = 256, maxNameBytes: Int = 4096) {
        self.maxIDBytes = maxIDBytes
        self.maxNameBytes = maxNameBytes
    }
}
