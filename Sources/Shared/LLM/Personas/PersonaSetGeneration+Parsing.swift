import Foundation
public import GPLRCore

/// Reads a persona list out of an untrusted answer to a persona-set prompt (Appendix B, Figure 2).
///
/// Accepts the numbered format the prompts ask for — `1. Name` then ` - description` lines — with the usual
/// variations (`1)`, Markdown bold or headings, `1. **Name**: description` on one line, descriptions over
/// several lines, set headings and chatter between items), and JSON when the model answers JSON: an array
/// of `{"name", "description"}`, `{"personas": [...]}`, or an object name → description. Names are cleaned,
/// repeated names (after ``PersonaSet/normalize(_:)``) and "Unrepresentable" dropped. Pure: no I/O.
public enum PersonaListParser {
    /// Longest name and description kept (longer ones are cut).
    static let maxNameCharacters = 120
    static let maxDescriptionCharacters = 1500

    /// The personas in `content`, in answer order; empty when none can be read.
    public static func parse(_ content: String) -> [Persona] {
        let candidates = parseJSON(content) ?? parseNumbered(content)
        var seen = Set<String>()
        var personas: [Persona] = []
        let reserved = PersonaSet.normalize(PersonaSet.unrepresentable)
        for candidate in candidates {
            let name = cleanName(candidate.name)
            let key = PersonaSet.normalize(name)
            guard !key.isEmpty, key != reserved, seen.insert(key).inserted else { continue }
            personas.append(
                Persona(name: name, description: clean(candidate.description, limit: maxDescriptionCharacters)))
        }
        return personas
    }

    // MARK: - Numbered lists

    /// Every item of the numbered lists in `content`, repeats included, names and descriptions uncleaned.
    public static func parseNumbered(_ content: String) -> [Persona] {
        var personas: [Persona] = []
        var current: (name: String, description: [String])?
        func flush() {
            if let item = current {
                personas.append(Persona(name: item.name, description: item.description.joined(separator: " ")))
            }
            current = nil
        }
        for rawLine in content.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if let rest = numberedItem(line) {
                flush()
                let (name, inline) = splitNameAndDescription(rest)
                current = (name, inline.isEmpty ? [] : [inline])
            } else if isHeading(line) {
                flush()
            } else if current != nil {
                var text = Substring(line)
                while let first = text.first, first == "-" || first == "*" || first == "•" || first == "–" {
                    text = text.dropFirst().drop(while: \.isWhitespace)
                }
                text = Substring(stripMarkup(String(text)))
                if text.lowercased().hasPrefix("description:") { text = text.dropFirst("description:".count) }
                let piece = text.trimmingCharacters(in: .whitespaces)
                if !piece.isEmpty { current?.description.append(piece) }
            }
        }
        flush()
        return personas
    }

    /// The text after `1.` / `1)` / `**1.` / `### 1.` at the start of `line`, or `nil`.
    static func numberedItem(_ line: String) -> Substring? {
        var text = Substring(line)
        text = text.drop(while: { $0 == "#" || $0 == "*" || $0 == "_" || $0.isWhitespace })
        let digits = text.prefix(while: \.isNumber)
        guard (1...3).contains(digits.count) else { return nil }
        text = text.dropFirst(digits.count)
        guard let mark = text.first, mark == "." || mark == ")" || mark == ":" else { return nil }
        text = text.dropFirst()
        let rest = text.drop(while: \.isWhitespace)
        guard !rest.isEmpty else { return nil }
        return rest
    }

    /// A line that separates items without belonging to one: `Set 2:`, `### Persona set 3`, `---`.
    static func isHeading(_ line: String) -> Bool {
        let text = stripMarkup(line).trimmingCharacters(in: .whitespaces).lowercased()
        if line.hasPrefix("#") || line.hasPrefix("---") || line.hasPrefix("===") { return true }
        return (text.hasPrefix("set ") || text.hasPrefix("persona set") || text.hasPrefix("group "))
            && text.count < 40 && (text.hasSuffix(":") || text.last?.isNumber == true)
    }

    /// `**Name**: description`, `Name - description`, `Name: description` or just `Name`.
    static func splitNameAndDescription(_ text: Substring) -> (String, String) {
        let raw = String(text)
        if raw.hasPrefix("**"), let end = raw.dropFirst(2).range(of: "**") {
            let name = raw[raw.index(raw.startIndex, offsetBy: 2)..<end.lowerBound]
            return (String(name), trimSeparator(raw[end.upperBound...]))
        }
        for separator in [" - ", " – ", " — ", ": "] {
            if let range = raw.range(of: separator) {
                return (String(raw[..<range.lowerBound]), trimSeparator(raw[range.upperBound...]))
            }
        }
        return (raw, "")
    }

    private static func trimSeparator(_ text: Substring) -> String {
        var rest = text.drop(while: { $0.isWhitespace || $0 == ":" || $0 == "-" || $0 == "–" || $0 == "—" })
        while rest.last?.isWhitespace == true { rest = rest.dropLast() }
        return stripMarkup(String(rest))
    }

    private static func stripMarkup(_ text: String) -> String {
        text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "")
    }

    /// One line: no markup, no surrounding quotes or trailing colon, whitespace collapsed, at most `limit`.
    /// A name as ``clean(_:limit:)`` leaves it, with what ``PersonaSet`` refuses in a name replaced: `|` by `/`
    /// ("Parents|Kids" → "Parents/Kids"), control characters dropped. An LLM's odd spelling should not fail the
    /// whole generation.
    static func cleanName(_ text: String) -> String {
        let separator = String(PersonaSet.listSeparator)
        let name = clean(text, limit: maxNameCharacters).replacingOccurrences(of: separator, with: "/")
        return String(
            String.UnicodeScalarView(name.unicodeScalars.filter { $0.properties.generalCategory != .control }))
    }

    static func clean(_ text: String, limit: Int) -> String {
        var value = stripMarkup(text).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        while let last = value.last, last == ":" || last == "," { value.removeLast() }
        let quotes: Set<Character> = ["\"", "'", "`", "“", "”"]
        while let first = value.first, quotes.contains(first) { value.removeFirst() }
        while let last = value.last, quotes.contains(last) { value.removeLast() }
        value = value.trimmingCharacters(in: .whitespaces)
        return value.count > limit ? String(value.prefix(limit)) : value
    }

    // MARK: - JSON

    static func parseJSON(_ content: String) -> [Persona]? {
        var text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("```") {
            text = String(text.drop(while: { !$0.isNewline }))
            if text.hasSuffix("```") { text = String(text.dropLast(3)) }
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard text.first == "[" || text.first == "{",
            let value = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        else { return nil }
        if let array = value as? [Any] { return personas(in: array) }
        guard let object = value as? [String: Any] else { return nil }
        for key in ["personas", "persona_set", "personaSet", "result"] {
            if let array = object[key] as? [Any] { return personas(in: array) }
        }
        let pairs = object.compactMap { key, value in (value as? String).map { Persona(name: key, description: $0) } }
        return pairs.isEmpty ? nil : pairs.sorted { $0.name < $1.name }
    }

    private static func personas(in array: [Any]) -> [Persona] {
        array.compactMap { element in
            if let name = element as? String { return Persona(name: name, description: "") }
            guard let object = element as? [String: Any] else { return nil }
            let lowered = Dictionary(object.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let name = ["name", "persona", "title"].lazy.compactMap({ lowered[$0] as? String }).first else {
                return nil
            }
            let description = ["description", "definition", "desc"].lazy.compactMap { lowered[$0] as? String }.first
            return Persona(name: name, description: description ?? "")
        }
    }
}
