import Foundation

/// Readers of gplr's output formats written independently of the writers, the way pandas and numpy read them:
/// the tests parse every output file back with these and compare it with the run in memory.
public enum CSVTable {
    /// Parses RFC 4180 CSV: fields separated by `,`, rows by `\n` (or `\r\n`), a field quoted with `"` may hold
    /// `,`, `"` (doubled) and line feeds. Returns `nil` for malformed input (a quote inside an unquoted field, an
    /// unterminated quote).
    public static func parse(_ text: String) -> [[String]]? {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return iterator.next()
        }
        while let scalar = next() {
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = following
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty, !wasQuoted else { return nil }
                quoted = true
                wasQuoted = true
            case ",":
                row.append(field)
                field = ""
                wasQuoted = false
            case "\r":
                continue
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                wasQuoted = false
            default:
                guard !wasQuoted else { return nil }
                field.unicodeScalars.append(scalar)
            }
        }
        if quoted { return nil }
        if !field.isEmpty || !row.isEmpty || wasQuoted {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}

/// A `.npy` file read as numpy reads it: magic, version 1.0, the header dictionary, then the data.
public struct NPYFile: Sendable {
    public let descr: String
    public let fortranOrder: Bool
    public let shape: [Int]
    public let values: [Double]

    /// Reads a little-endian `<f8` array; `nil` when the file is not a valid v1.0 `.npy` or the data does not
    /// match the shape.
    public init?(path: String) {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 10 else { return nil }
        let bytes = [UInt8](data)
        guard bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8), bytes[6] == 1, bytes[7] == 0 else {
            return nil
        }
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        guard (10 + headerLength) % 64 == 0, bytes.count >= 10 + headerLength else { return nil }
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        guard header.hasSuffix("\n"), header.hasPrefix("{"),
            let descr = Self.value(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'")),
            let order = Self.value(of: "fortran_order", in: header),
            let shapeRange = header.range(of: #"'shape': \(([0-9, ]*)\)"#, options: .regularExpression)
        else { return nil }
        let shapeText = header[shapeRange].drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        self.descr = descr
        fortranOrder = order == "True"
        self.shape = shape
        let count = shape.reduce(1, *)
        let body = bytes[(10 + headerLength)...]
        guard descr == "<f8", body.count == count * 8 else { return nil }
        var values = [Double](repeating: 0, count: count)
        body.withUnsafeBytes { raw in
            for index in 0..<count {
                values[index] = Double(
                    bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
            }
        }
        self.values = values
    }

    /// The text after `'key': ` up to the next `,`.
    private static func value(of key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)': ") else { return nil }
        return String(header[range.upperBound...].prefix { $0 != "," })
    }
}
