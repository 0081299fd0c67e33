import Foundation

/// Strict reader of an untrusted labeling answer (see ``LabelingPrompt``).
///
/// Accepts one JSON object keyed by user id — or, as in the paper's format example, one such object per
/// line — optionally inside a ```` ```json ```` fence, nothing else around it. Values are lists of persona
/// names (a single string is read as a one-element list, then as comma-separated names). Names count only
/// if they are in R after normalising case and whitespace; "Unrepresentable" (any case) is a valid answer
/// meaning no persona. Everything dropped is counted in the ``LabelingOutcome``. Pure: no I/O.
struct LabelingResponseParser: Sendable {
    /// Normalised name → name as in R.
    private let canonical: [String: String]
    let maxPersonasPerUser: Int

    static let unrepresentable = "unrepresentable"

    init(personas: [String], maxPersonasPerUser: Int = 5) {
        var canonical: [String: String] = [:]
        for name in personas where canonical[Self.normalize(name)] == nil { canonical[Self.normalize(name)] = name }
        self.canonical = canonical
        self.maxPersonasPerUser = max(1, maxPersonasPerUser)
    }

    /// Lowercased, trimmed, inner runs of whitespace collapsed to one space.
    static func normalize(_ name: String) -> String {
        name.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Reads `content`, the answer to a prompt about `askedUserIDs`.
    func parse(_ content: String, askedUserIDs: [String]) -> LabelingOutcome {
        var outcome = LabelingOutcome()
        guard let objects = Self.jsonObjects(in: content) else {
            outcome.parseFailures = 1
            outcome.missingUserIDs = askedUserIDs
            return outcome
        }
        let asked = Set(askedUserIDs)
        var answers: [String: Any] = [:]
        for object in objects {
            for (rawKey, value) in object {
                let key = rawKey.trimmingCharacters(in: .whitespacesAndNewlines)
                guard asked.contains(key) else {
                    outcome.unexpectedUserIDCount += 1
                    continue
                }
                if answers[key] == nil { answers[key] = value }
            }
        }
        for id in askedUserIDs {
            guard let value = answers[id] else {
                outcome.missingUserIDs.append(id)
                continue
            }
            guard let names = names(in: value) else {
                outcome.invalidEntryCount += 1
                outcome.missingUserIDs.append(id)
                continue
            }
            if let personas = resolve(names, outcome: &outcome) {
                outcome.personas[id] = personas
            } else {
                outcome.missingUserIDs.append(id)
            }
        }
        return outcome
    }

    /// The valid personas of one answer, `[]` for Unrepresentable, `nil` when nothing usable remains.
    private func resolve(_ names: [String], outcome: inout LabelingOutcome) -> [String]? {
        var kept: [String] = []
        var seen = Set<String>()
        var saidUnrepresentable = false
        for name in names {
            let normalized = Self.normalize(name)
            if normalized == Self.unrepresentable {
                saidUnrepresentable = true
            } else if let persona = canonical[normalized] {
                if !seen.insert(persona).inserted {
                    outcome.duplicatePersonaCount += 1
                } else if kept.count >= maxPersonasPerUser {
                    outcome.excessPersonaCount += 1
                } else {
                    kept.append(persona)
                }
            } else {
                outcome.unknownPersonaCount += 1
                if outcome.unknownPersonaNames.count < 20 {
                    outcome.unknownPersonaNames.append(String(name.prefix(100)))
                }
            }
        }
        if !kept.isEmpty { return kept }
        if saidUnrepresentable {
            outcome.unrepresentableCount += 1
            return []
        }
        return nil
    }

    /// A value as a list of names: an array of strings, or one string (split on commas unless it is a name).
    private func names(in value: Any) -> [String]? {
        if let array = value as? [Any] {
            var names: [String] = []
            for element in array {
                guard let name = element as? String else { return nil }
                names.append(name)
            }
            return names
        }
        guard let text = value as? String else { return nil }
        let normalized = Self.normalize(text)
        if canonical[normalized] != nil || normalized == Self.unrepresentable || !text.contains(",") { return [text] }
        return text.split(separator: ",").map(String.init)
    }

    /// The JSON object(s) of an answer, or `nil` when it is not one object or a sequence of objects per line.
    static func jsonObjects(in content: String) -> [[String: Any]]? {
        let body = stripFence(content.trimmingCharacters(in: .whitespacesAndNewlines))
        if let object = parseObject(body) { return [object] }
        var objects: [[String: Any]] = []
        for line in body.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = parseObject(trimmed) else { return nil }
            objects.append(object)
        }
        return objects.isEmpty ? nil : objects
    }

    private static func parseObject(_ text: some StringProtocol) -> [String: Any]? {
        guard text.first == "{" else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// The inside of a ```` ``` ```` / ```` ```json ```` fence spanning the whole answer, else the answer.
    private static func stripFence(_ text: String) -> String {
        guard text.hasPrefix("```"), text.hasSuffix("```"), text.count >= 6 else { return text }
        var inner = text.dropFirst(3).dropLast(3)
        if let newline = inner.firstIndex(where: \.isNewline) {
            let language = inner[..<newline].trimmingCharacters(in: .whitespaces).lowercased()
            if language.isEmpty || language == "json" { inner = inner[inner.index(after: newline)...] }
        } else if inner.lowercased().hasPrefix("json") {
            inner = inner.dropFirst(4)
        }
        return inner.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
