/// The RFC 4180 state machine behind ``CSVReader``, fed bytes in pieces of any size.
///
/// Its state survives between ``consume(_:emit:)`` calls, so a row (or a quoted field, or a CRLF) may be split
/// across chunks anywhere: the reader's results do not depend on its chunk size (tested with 7-byte chunks).
/// Field bytes are unescaped into one growing scratch buffer with end offsets per field; a row is handed out
/// as a ``CSVRow`` view over that buffer.
///
/// Accepted: `,` separators; `\n`, `\r\n` or a lone `\r` ending a row; fields in double quotes containing
/// separators, newlines and doubled quotes; a stray `"` inside an unquoted field is kept as data. Lines that
/// are entirely empty are skipped. A character after a closing quote, or a quote still open at the end of the
/// file, marks the row with a ``CSVDefect``.
struct CSVParser: ~Copyable {
    private enum State: UInt8 { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }

    private var state = State.fieldStart
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 4096
    private var length = 0
    private var ends: UnsafeMutablePointer<Int>
    private var endsCapacity = 64
    private var fieldCount = 0
    private var rowHasBytes = false
    private var defect: CSVDefect.Kind?
    /// The current physical line (1-based) and the line the current row started on.
    private var line = 1
    private var rowLine = 1

    init() {
        scratch = .allocate(capacity: scratchCapacity)
        ends = .allocate(capacity: endsCapacity)
    }

    deinit {
        scratch.deallocate()
        ends.deallocate()
    }

    private static let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    /// Parses `chunk`, calling `emit` for every row it completes.
    mutating func consume(_ chunk: UnsafeRawBufferPointer, emit: (borrowing CSVRow) throws -> Void) rethrows {
        guard let raw = chunk.baseAddress else { return }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        let n = chunk.count
        var i = 0
        while i < n {
            switch state {
            case .fieldStart, .unquoted:
                if state == .fieldStart && p[i] == Self.quote {
                    state = .quoted
                    rowHasBytes = true
                    i += 1
                    continue
                }
                let start = i
                while i < n {
                    let b = p[i]
                    if b > Self.comma || (b != Self.comma && b != Self.lf && b != Self.cr && b != Self.quote) {
                        i += 1
                    } else {
                        break
                    }
                }
                if i > start {
                    append(p + start, i - start)
                    rowHasBytes = true
                    state = .unquoted
                }
                if i == n { break }
                let b = p[i]
                i += 1
                if b == Self.quote {  // a quote inside an unquoted field: kept as data
                    append(p + (i - 1), 1)
                    rowHasBytes = true
                    state = .unquoted
                } else {  // the scan above stops only at a quote or a separator
                    try endField(at: b, emit)
                }
            case .quoted:
                let start = i
                while i < n && p[i] != Self.quote {
                    if p[i] == Self.lf { line += 1 }
                    i += 1
                }
                if i > start { append(p + start, i - start) }
                if i < n {
                    i += 1
                    state = .quoteInQuoted
                }
            case .quoteInQuoted:
                let b = p[i]
                i += 1
                switch b {
                case Self.quote:
                    append(p + (i - 1), 1)
                    state = .quoted
                case Self.comma, Self.lf, Self.cr:
                    try endField(at: b, emit)
                default:
                    if defect == nil { defect = .characterAfterQuote }
                    append(p + (i - 1), 1)
                    state = .unquoted
                }
            case .afterCR:
                // CRLF ends the row; a lone CR ends it too (old Mac files) and the byte is parsed afresh.
                if p[i] == Self.lf { i += 1 }
                line += 1
                try endRow(emit)
            }
        }
    }

    /// Ends the input: emits the last row if the file does not end with a newline.
    mutating func finish(emit: (borrowing CSVRow) throws -> Void) rethrows {
        switch state {
        case .quoted:
            if defect == nil { defect = .unterminatedQuote }
            try endRow(emit)
        case .afterCR:
            line += 1
            try endRow(emit)
        case .fieldStart, .unquoted, .quoteInQuoted:
            if rowHasBytes { try endRow(emit) }
        }
    }

    @inline(__always)
    private mutating func append(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        if length + count > scratchCapacity {
            var capacity = scratchCapacity * 2
            while capacity < length + count { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: scratch, count: length)
            scratch.deallocate()
            scratch = grown
            scratchCapacity = capacity
        }
        let target = scratch + length
        // Fields are mostly short ids: two overlapping word copies instead of a call to memmove. Both stay within
        // `bytes[0 ..< count]` and `target[0 ..< count]` (count ≥ 4 resp. ≥ 8), which the capacity check above made
        // room for.
        if count >= 8 && count <= 16 {
            let raw = UnsafeRawPointer(bytes), out = UnsafeMutableRawPointer(target)
            let head = raw.loadUnaligned(as: UInt64.self)
            let tail = raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            out.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
            out.storeBytes(of: head, as: UInt64.self)
        } else if count >= 4 && count < 8 {
            let raw = UnsafeRawPointer(bytes), out = UnsafeMutableRawPointer(target)
            let head = raw.loadUnaligned(as: UInt32.self)
            let tail = raw.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            out.storeBytes(of: tail, toByteOffset: count &- 4, as: UInt32.self)
            out.storeBytes(of: head, as: UInt32.self)
        } else {
            target.update(from: bytes, count: count)
        }
        length &+= count  // length + count ≤ scratchCapacity, checked above
    }

    @inline(__always)
    private mutating func endField() {
        if fieldCount == endsCapacity {
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: endsCapacity * 2)
            grown.update(from: ends, count: fieldCount)
            ends.deallocate()
            ends = grown
            endsCapacity *= 2
        }
        ends[fieldCount] = length
        fieldCount += 1
    }

    /// What a separator does after a field: `,` ends the field (the row then has bytes, if only empty fields), `\n`
    /// ends the row, `\r` ends it too once the next byte shows whether it is a CRLF.
    @inline(__always)
    private mutating func endField(at separator: UInt8, _ emit: (borrowing CSVRow) throws -> Void) rethrows {
        switch separator {
        case Self.comma:
            rowHasBytes = true
            endField()
            state = .fieldStart
        case Self.lf:
            line += 1
            try endRow(emit)
        default:
            state = .afterCR
        }
    }

    /// Ends the current row (skipped when the line was empty) and resets for the next.
    @inline(__always)
    private mutating func endRow(_ emit: (borrowing CSVRow) throws -> Void) rethrows {
        if rowHasBytes {
            endField()
            let row = CSVRow(
                line: rowLine, count: fieldCount, defect: defect, base: UnsafePointer(scratch),
                ends: UnsafePointer(ends))
            // Reset before emitting so a throwing callback leaves the parser consistent.
            fieldCount = 0
            length = 0
            rowHasBytes = false
            defect = nil
            state = .fieldStart
            rowLine = line
            try emit(row)
        } else {
            fieldCount = 0
            length = 0
            defect = nil
            state = .fieldStart
            rowLine = line
        }
    }
}
