/// A benchmark's fixture or its work did not do what it must (lost jobs, a round trip that lost edges): the
/// benchmark fails with this message instead of reporting a figure for the wrong work.
public struct BenchmarkFixtureError: Error, CustomStringConvertible {
    /// What went wrong, with the numbers.
    public let message: String
    /// Where it was detected.
    public let file: String
    public let line: Int

    public init(_ message: String, file: String = #fileID, line: Int = #line) {
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "\(message) (\(file):\(line))" }
}
