/// A cursor over JSON in the exact form `JSONEncoder` writes it (no whitespace, strings without escapes other
/// than `\/`): the fast paths that read the queue's envelopes (``JobEnvelope/decodeCanonical(_:)``) and label
/// results (``LabelJobResult/decodeCanonical(_:)``) without `JSONDecoder`. Each reader returns `nil` on anything
/// else, and its caller falls back to `JSONDecoder`.
struct CanonicalScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    var atEnd: Bool { position == bytes.count }

    /// Consumes `literal` if the bytes continue with it.
    mutating func expect(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { expected in
            guard bytes.count - position >= expected.count else { return false }
            for offset in 0..<expected.count where bytes[position + offset] != expected[offset] { return false }
            position += expected.count
            return true
        }
    }

    /// A non-negative decimal integer without leading zeros (as `JSONEncoder` writes one), at most 18 digits.
    mutating func integer() -> Int? {
        let start = position
        var value = 0
        while position < bytes.count, position - start < 18,
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position])
        {
            value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        let digits = position - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
        return value
    }

    /// The rest of a string whose opening quote was consumed, through its closing quote. Only `\/` is unescaped
    /// (`JSONEncoder` escapes every slash); any other escape or a control character returns `nil`.
    mutating func string() -> String? {
        let start = position
        var hasSlashEscape = false
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                let text = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard hasSlashEscape else { return String(validating: text, as: UTF8.self) }
                var unescaped: [UInt8] = []
                unescaped.reserveCapacity(text.count)
                var index = 0
                while index < text.count {
                    if text[index] == UInt8(ascii: "\\") { index += 1 }
                    unescaped.append(text[index])
                    index += 1
                }
                return String(validating: unescaped, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "/") else { return nil }
                hasSlashEscape = true
                position += 2
            case 0..<0x20:
                return nil
            default:
                position += 1
            }
        }
        return nil
    }
}
