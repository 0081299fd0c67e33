import Foundation
import GPLRSupport

/// The entries of a persona file, checked one by one so that a bad entry is named (`persona #3 ("Busy
/// Parents") has no "description"`) instead of surfacing as a decoder's dump about the file's other shape.
enum PersonaFileEntries {
    /// Decodes a JSON array of `{"name", "description"}` or `{"personas": [...]}`; the shape is chosen by the
    /// first character, so an error is about the shape the file has.
    static func decode(_ data: Data, file: String) throws(PersonaSetError) -> [Persona] {
        let decoder = JSONDecoder()
        let first = data.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        let entries: [Entry]
        do {
            switch first {
            case UInt8(ascii: "["): entries = try decoder.decode([Entry].self, from: data)
            case UInt8(ascii: "{"):
                guard let wrapped = try decoder.decode(Wrapped.self, from: data).personas else {
                    throw PersonaSetError(.malformed, "the object has no \"personas\" array", file: file)
                }
                entries = wrapped
            default:
                throw PersonaSetError(
                    .malformed, "expected a JSON array of {\"name\", \"description\"} or {\"personas\": [...]}",
                    file: file)
            }
        } catch let error as PersonaSetError {
            throw error
        } catch let error as DecodingError {
            throw PersonaSetError(.malformed, ErrorText.decoding(error, entry: "persona"), file: file)
        } catch {
            throw PersonaSetError(.malformed, "not valid JSON", file: file)
        }
        return try entries.enumerated().map { (index, entry) throws(PersonaSetError) -> Persona in
            let label = "persona #\(index + 1)" + (entry.name.map { " (\"\($0)\")" } ?? "")
            guard let name = entry.name else {
                throw PersonaSetError(.malformed, "\(label) has no \"name\"", file: file)
            }
            guard let description = entry.description else {
                throw PersonaSetError(.malformed, "\(label) has no \"description\"", file: file)
            }
            return Persona(name: name, description: description)
        }
    }

    /// One entry as written, each field optional so that a missing one is reported by name.
    private struct Entry: Decodable {
        var name: String?
        var description: String?
    }

    private struct Wrapped: Decodable {
        var personas: [Entry]?
    }
}
