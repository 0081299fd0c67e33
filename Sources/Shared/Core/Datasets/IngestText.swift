/// Checks the ids and names an ingest reads: their length (``IngestLimits``) and their encoding
/// (``InvalidUTF8Policy``), so that no two distinct ids become the same text and nothing is silently replaced.
///
/// The ASCII test is a word at a time, so ASCII ids cost a few instructions per row; other bytes are validated
/// as UTF-8 without allocating.
struct IngestText {
    let policy: InvalidUTF8Policy
    let limits: IngestLimits
    /// Values decoded as Latin-1 (with ``InvalidUTF8Policy/latin1``): distinct ids and name fields.
    private(set) var latin1Decoded = 0
    /// The ids read as Latin-1, checked by ``checkLatin1IDs(_:)`` once all rows are in.
    private(set) var latin1IDs: [Latin1ID] = []

    /// An id read as Latin-1 and where it was first seen.
    struct Latin1ID {
        var isUser: Bool
        var bytes: [UInt8]
        var file: String
        var line: Int
        var column: String
    }

    init(options: IngestOptions) {
        policy = options.invalidUTF8
        limits = options.limits
    }

    /// The id checks alone: a plain value (no arrays), so that a row callback holding it pays no reference
    /// counting per row.
    var ids: IDCheck { IDCheck(policy: policy, limits: limits) }

    /// Checks an id field: non-empty, at most ``IngestLimits/maxIDBytes``, and valid UTF-8 unless the policy
    /// allows Latin-1.
    /// - Returns: whether the id is not valid UTF-8 (then it is read as Latin-1).
    @inline(__always)
    func checkID(_ bytes: UnsafeRawBufferPointer, column: String, what: String) throws(BadRow) -> Bool {
        try ids.checkID(bytes, column: column, what: what)
    }

    /// The checks of ``IngestText/checkID(_:column:what:)``, held by the hot loops of the format readers.
    struct IDCheck {
        let policy: InvalidUTF8Policy
        let limits: IngestLimits

        /// See ``IngestText/checkID(_:column:what:)``.
        @inline(__always)
        func checkID(_ bytes: UnsafeRawBufferPointer, column: String, what: String) throws(BadRow) -> Bool {
            if !bytes.isEmpty && bytes.count <= limits.maxIDBytes && IngestText.isASCII(bytes) { return false }
            return try checkUnusualID(bytes, column: column, what: what)
        }

        /// ``checkID(_:column:what:)`` for an id that is empty, too long or not ASCII (kept out of the hot path).
        @inline(never)
        private func checkUnusualID(_ bytes: UnsafeRawBufferPointer, column: String, what: String) throws(BadRow)
            -> Bool
        {
            guard !bytes.isEmpty else { throw BadRow("empty \(what)", column: column) }
            guard bytes.count <= limits.maxIDBytes else {
                throw BadRow(
                    "the \(what) is \(bytes.count) bytes long, more than the limit of \(limits.maxIDBytes) "
                        + "(--max-id-bytes): '\(bytes.preview)'", column: column, code: .limitExceeded)
            }
            if IngestText.isValidUTF8(bytes) { return false }
            guard policy == .latin1 else { throw IngestText.invalid(bytes, column: column, what: what) }
            return true
        }
    }

    /// Counts an id that ``checkID(_:column:what:)`` found to be Latin-1, the first time it is seen, and keeps it
    /// for ``checkLatin1IDs(_:)``.
    mutating func recordLatin1ID(
        _ bytes: UnsafeRawBufferPointer, isUser: Bool, file: String, line: Int, column: String
    ) {
        latin1Decoded += 1
        latin1IDs.append(Latin1ID(isUser: isUser, bytes: Array(bytes), file: file, line: line, column: column))
    }

    /// A name field as text: at most ``IngestLimits/maxNameBytes``, UTF-8 (or Latin-1 by the policy).
    mutating func name(_ bytes: UnsafeRawBufferPointer, column: String) throws(BadRow) -> String {
        try checkName(bytes, column: column)
        return try text(bytes, column: column, what: "name")
    }

    /// Throws what ``name(_:column:)`` would throw, without making the text.
    func checkName(_ bytes: UnsafeRawBufferPointer, column: String) throws(BadRow) {
        guard bytes.count <= limits.maxNameBytes else {
            throw BadRow(
                "the name is \(bytes.count) bytes long, more than the limit of \(limits.maxNameBytes) "
                    + "(--max-name-bytes): '\(bytes.preview)'", column: column, code: .limitExceeded)
        }
        if policy == .error && !Self.isASCII(bytes) && !Self.isValidUTF8(bytes) {
            throw Self.invalid(bytes, column: column, what: "name")
        }
    }

    /// A field as text: UTF-8, or Latin-1 (counted) when the policy allows it.
    mutating func text(_ bytes: UnsafeRawBufferPointer, column: String, what: String) throws(BadRow) -> String {
        if Self.isASCII(bytes) || Self.isValidUTF8(bytes) { return String(decoding: bytes, as: UTF8.self) }
        guard policy == .latin1 else { throw Self.invalid(bytes, column: column, what: what) }
        latin1Decoded += 1
        return Self.latin1(bytes)
    }

    /// The error for bytes that are not UTF-8, with the offending bytes in hex.
    static func invalid(_ bytes: UnsafeRawBufferPointer, column: String, what: String) -> BadRow {
        BadRow(
            "the \(what) is not valid UTF-8 (bytes \(hex(bytes))); re-encode the file as UTF-8, or give "
                + "--invalid-utf8 latin1 if it is Latin-1", column: column, code: .badEncoding)
    }

    /// Up to 32 bytes in hex, `C3 28 …`.
    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        let shown = bytes.prefix(32).map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }
        return shown.joined(separator: " ") + (bytes.count > 32 ? " …" : "")
    }

    /// Each byte as the code point of the same number.
    static func latin1(_ bytes: UnsafeRawBufferPointer) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return text
    }

    /// Whether every byte is below 0x80: eight bytes at a time, the tail (or a short id) by overlapping loads.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        guard let base = bytes.baseAddress else { return true }
        if n >= 8 {
            var bits: UInt64 = base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            var i = 0
            while i + 8 <= n {
                bits |= base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            return bits & 0x8080_8080_8080_8080 == 0
        }
        if n >= 4 {
            let bits = base.loadUnaligned(as: UInt32.self) | base.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            return bits & 0x8080_8080 == 0
        }
        var bits: UInt8 = 0
        for i in 0..<n { bits |= base.load(fromByteOffset: i, as: UInt8.self) }
        return bits & 0x80 == 0
    }

    /// Whether `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
