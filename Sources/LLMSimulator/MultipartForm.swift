import Foundation

/// The parts of a `multipart/form-data` body by field name (what `POST /v1/files` receives). Pure; lenient
/// only as far as a test peer needs.
enum MultipartForm {
    /// The boundary of a `multipart/form-data; boundary=…` content type.
    static func boundary(ofContentType value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces)
            guard pair.lowercased().hasPrefix("boundary=") else { continue }
            var boundary = String(pair.dropFirst("boundary=".count))
            if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 {
                boundary = String(boundary.dropFirst().dropLast())
            }
            return boundary
        }
        return nil
    }

    /// Field name → content of each part of `body`.
    static func parse(_ body: [UInt8], boundary: String) -> [String: [UInt8]] {
        let delimiter = Array("--\(boundary)".utf8)
        let headerEnd = Array("\r\n\r\n".utf8)
        var parts: [String: [UInt8]] = [:]
        let starts = ranges(of: delimiter, in: body)
        guard starts.count >= 2 else { return [:] }
        for (start, next) in zip(starts, starts.dropFirst()) {
            let part = Array(body[(start + delimiter.count)..<next])
            guard let split = ranges(of: headerEnd, in: part).first else { continue }
            let headers = String(decoding: part[..<split], as: UTF8.self)
            var content = Array(part[(split + headerEnd.count)...])
            if content.suffix(2) == [13, 10] { content.removeLast(2) }
            guard let name = fieldName(inHeaders: headers) else { continue }
            parts[name] = content
        }
        return parts
    }

    private static func fieldName(inHeaders headers: String) -> String? {
        guard let range = headers.range(of: "name=\"") else { return nil }
        let rest = headers[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Start offsets of every occurrence of `needle` in `haystack`.
    private static func ranges(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
        var found: [Int] = []
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle {
                found.append(index)
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }
}
