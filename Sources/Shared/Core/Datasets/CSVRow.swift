/// One parsed CSV row, valid only inside the ``CSVReader/forEachRow(_:)`` callback that received it.
///
/// Fields are unquoted and unescaped byte ranges in the reader's scratch buffer; nothing is allocated until a
/// caller asks for a `String` (``string(_:)``) — integers parse straight from the bytes (``integer(_:)``).
/// Do not keep the row or a field buffer past the callback: the next row overwrites them.
struct CSVRow {
    /// The 1-based physical line the row starts on (quoted newlines make a row span several lines).
    let line: Int
    /// Number of fields.
    let count: Int
    /// Which defect the row has, as a plain value: the row holds no reference (no `String`), so handing it to the
    /// callback of every row costs no reference counting (it did: 3 % of an ingest in `perf`).
    let defectKind: CSVDefect.Kind?
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let ends: UnsafePointer<Int>

    init(line: Int, count: Int, defect: CSVDefect.Kind?, base: UnsafePointer<UInt8>, ends: UnsafePointer<Int>) {
        self.line = line
        self.count = count
        self.defectKind = defect
        self.base = base
        self.ends = ends
    }

    /// Why the row is malformed (an unterminated or misplaced quote), or `nil`. The fields are still given,
    /// parsed as well as possible, so a caller may report or skip the row.
    var defect: CSVDefect? { defectKind.map(CSVDefect.init) }

    /// The bytes of field `index` (0-based), after unquoting.
    @inlinable
    subscript(index: Int) -> UnsafeRawBufferPointer {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeRawBufferPointer(start: base + start, count: ends[index] - start)
    }

    /// Field `index` as a `String` (UTF-8; invalid sequences are repaired).
    func string(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }

    /// All fields as `String`s.
    var strings: [String] { (0..<count).map(string) }

    /// Whether field `index` is empty.
    @inlinable func isEmpty(_ index: Int) -> Bool { self[index].isEmpty }

    /// Field `index` as a decimal integer (optional sign, ASCII digits, surrounding spaces allowed), or `nil`
    /// when it is not one or overflows.
    @inlinable
    func integer(_ index: Int) -> Int? { CSVRow.parseInteger(self[index]) }

    /// Parses a decimal integer from bytes: optional spaces, an optional sign, digits, optional spaces.
    @inlinable
    static func parseInteger(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n && bytes[i] == 0x20 { i += 1 }
        var negative = false
        if i < n && (bytes[i] == 0x2D || bytes[i] == 0x2B) {
            negative = bytes[i] == 0x2D
            i += 1
        }
        var value = 0
        var digits = 0
        while i < n {
            let d = Int(bytes[i]) &- 0x30
            guard d >= 0 && d <= 9 else { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            value = s
            digits += 1
            i += 1
        }
        while i < n && bytes[i] == 0x20 { i += 1 }
        guard digits > 0 && i == n else { return nil }
        return negative ? -value : value
    }
}

/// Why a CSV row is malformed at the quoting level.
struct CSVDefect: Sendable, Equatable, CustomStringConvertible {
    let code: DatasetError.Code
    let message: String

    /// The defects, as the parser marks them.
    enum Kind: UInt8 { case unterminatedQuote, characterAfterQuote }

    init(code: DatasetError.Code, message: String) {
        self.code = code
        self.message = message
    }

    init(_ kind: Kind) {
        self =
            switch kind {
            case .unterminatedQuote: .unterminatedQuote
            case .characterAfterQuote: .characterAfterQuote
            }
    }

    static let unterminatedQuote = CSVDefect(
        code: .unterminatedQuote, message: "a quoted field is not closed before the end of the file")
    static let characterAfterQuote = CSVDefect(
        code: .badQuote, message: "a character other than a separator follows a closing quote")

    var description: String { message }
}
