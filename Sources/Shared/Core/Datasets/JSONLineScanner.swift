/// A minimal strict JSON reader for one labels-file line: an object whose values are strings, arrays of
/// strings, or anything else (skipped). Hand-written because a labels file can hold millions of lines and
/// `JSONDecoder` per line costs microseconds each; this also gives precise messages per line.
struct JSONLineScanner {
    struct Failure: Error {
        let message: String
    }

    /// The string-valued and string-array-valued members of the object on `line`.
    struct Object {
        var strings: [String: String] = [:]
        var stringArrays: [String: [String]] = [:]
        /// Members whose value had another type (or `null`).
        var otherKeys: Set<String> = []
    }

    private let bytes: UnsafeRawBufferPointer
    private var i = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    static func parseObject(_ line: UnsafeRawBufferPointer) throws(Failure) -> Object {
        var scanner = JSONLineScanner(line)
        return try scanner.object()
    }

    private mutating func object() throws(Failure) -> Object {
        var result = Object()
        skipSpace()
        try expect(0x7B, "expected '{'")
        skipSpace()
        if peek() == 0x7D {
            i += 1
        } else {
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                try expect(0x3A, "expected ':' after key \"\(key)\"")
                skipSpace()
                switch peek() {
                case 0x22: result.strings[key] = try string()
                case 0x5B:
                    if let array = try stringArray() {
                        result.stringArrays[key] = array
                    } else {
                        result.otherKeys.insert(key)
                    }
                default:
                    try skipValue()
                    result.otherKeys.insert(key)
                }
                skipSpace()
                if peek() == 0x2C {
                    i += 1
                    continue
                }
                try expect(0x7D, "expected ',' or '}'")
                break
            }
        }
        skipSpace()
        guard i == bytes.count else { throw Failure(message: "unexpected text after the object") }
        return result
    }

    private func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A {
            i += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(Failure) {
        guard peek() == byte else { throw Failure(message: message) }
        i += 1
    }

    /// An array; `nil` (after skipping it) when an element is not a string.
    private mutating func stringArray() throws(Failure) -> [String]? {
        try expect(0x5B, "expected '['")
        var items: [String] = []
        var allStrings = true
        skipSpace()
        if peek() == 0x5D {
            i += 1
            return items
        }
        while true {
            skipSpace()
            if peek() == 0x22 {
                items.append(try string())
            } else {
                allStrings = false
                try skipValue()
            }
            skipSpace()
            if peek() == 0x2C {
                i += 1
                continue
            }
            try expect(0x5D, "expected ',' or ']' in an array")
            return allStrings ? items : nil
        }
    }

    private mutating func string() throws(Failure) -> String {
        try expect(0x22, "expected a string")
        var out: [UInt8] = []
        let start = i
        while i < bytes.count && bytes[i] != 0x22 && bytes[i] != 0x5C && bytes[i] >= 0x20 { i += 1 }
        if i < bytes.count && bytes[i] == 0x22 {  // fast path: no escapes
            let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            i += 1
            return s
        }
        out.append(contentsOf: bytes[start..<i])
        while true {
            guard i < bytes.count else { throw Failure(message: "unterminated string") }
            let b = bytes[i]
            i += 1
            switch b {
            case 0x22:
                return String(decoding: out, as: UTF8.self)
            case 0x5C:
                guard i < bytes.count else { throw Failure(message: "unterminated escape") }
                let e = bytes[i]
                i += 1
                switch e {
                case 0x22, 0x5C, 0x2F: out.append(e)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard peek() == 0x5C, i + 1 < bytes.count, bytes[i + 1] == 0x75 else {
                            throw Failure(message: "unpaired surrogate in \\u escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else {
                            throw Failure(message: "unpaired surrogate in \\u escape")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw Failure(message: "invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw Failure(message: "invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                }
            case 0..<0x20:
                throw Failure(message: "control character in a string")
            default:
                out.append(b)
            }
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw Failure(message: "short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw Failure(message: "bad hex digit in \\u escape")
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    /// Skips any JSON value (validating its shape loosely: numbers and literals by their characters).
    private mutating func skipValue() throws(Failure) {
        skipSpace()
        guard let b = peek() else { throw Failure(message: "expected a value") }
        switch b {
        case 0x22: _ = try string()
        case 0x5B, 0x7B:
            let close: UInt8 = b == 0x5B ? 0x5D : 0x7D
            i += 1
            skipSpace()
            if peek() == close {
                i += 1
                return
            }
            while true {
                skipSpace()
                if b == 0x7B {
                    _ = try string()
                    skipSpace()
                    try expect(0x3A, "expected ':'")
                }
                try skipValue()
                skipSpace()
                if peek() == 0x2C {
                    i += 1
                    continue
                }
                try expect(close, "expected ',' or a closing bracket")
                return
            }
        default:
            let start = i
            while i < bytes.count {
                let c = bytes[i]
                let isLiteral =
                    (0x30...0x39).contains(c) || c == 0x2D || c == 0x2B || c == 0x2E
                    || (0x61...0x7A).contains(c) || c == 0x45
                guard isLiteral else { break }
                i += 1
            }
            guard i > start else { throw Failure(message: "unexpected character") }
        }
    }
}
