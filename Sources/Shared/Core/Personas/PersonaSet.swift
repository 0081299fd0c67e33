import Foundation

/// The predefined persona set R, validated: at least one persona, every name non-empty and unique after
/// ``normalize(_:)``, none called ``unrepresentable``, none holding ``listSeparator`` or a control character.
///
/// Persona indices (`0 ..< count`, in file order) are the columns of Φ, L and Ψ everywhere in gplr.
public struct PersonaSet: Sendable, Equatable {
    /// The special LLM answer for a user no persona fits. It is not a persona of R: a set containing it is
    /// rejected, and a labels file writes it as an empty list.
    public static let unrepresentable = "Unrepresentable"

    public let personas: [Persona]
    private let exactIndex: [String: Int]
    private let normalizedIndex: [String: Int]

    /// Validates `personas`.
    /// - Parameters:
    ///   - file: named in errors when the set comes from a file.
    ///   - limits: the largest set, names and descriptions accepted; `nil` (sets already checked when they were
    ///     read, such as a run record's or a job's) checks none.
    public init(_ personas: [Persona], file: String? = nil, limits: PersonaSetLimits? = nil) throws {
        guard !personas.isEmpty else { throw PersonaSetError(.empty, "the set has no personas", file: file) }
        if let violation = limits?.violation(personas) {
            throw PersonaSetError(.limitExceeded, violation, file: file)
        }
        var normalizedIndex: [String: Int] = [:]
        var exactIndex: [String: Int] = [:]
        let reserved = Self.normalize(Self.unrepresentable)
        for (i, persona) in personas.enumerated() {
            let key = Self.normalize(persona.name)
            guard !key.isEmpty else {
                throw PersonaSetError(.emptyName, "persona #\(i + 1) has an empty name", file: file)
            }
            if let character = Self.forbiddenCharacter(in: persona.name) {
                throw PersonaSetError(
                    .invalidCharacter,
                    "persona #\(i + 1) '\(persona.name.debugDescription.dropFirst().dropLast())' contains \(character); "
                        + "names may not contain '\(Self.listSeparator)' (it separates a user's personas in phi.csv) or "
                        + "control characters such as a line feed",
                    file: file)
            }
            guard key != reserved else {
                throw PersonaSetError(
                    .reservedName, "'\(persona.name)' is the answer for no persona, not a persona", file: file)
            }
            if let previous = normalizedIndex[key] {
                throw PersonaSetError(
                    .duplicateName,
                    "'\(persona.name)' (#\(i + 1)) duplicates '\(personas[previous].name)' (#\(previous + 1))",
                    file: file)
            }
            normalizedIndex[key] = i
            exactIndex[persona.name] = i
        }
        self.personas = personas
        self.exactIndex = exactIndex
        self.normalizedIndex = normalizedIndex
    }

    /// Loads a JSON file holding an array of `{"name", "description"}` objects, or `{"personas": [...]}`, within
    /// `limits`.
    /// - Throws: ``PersonaSetError`` naming the file and, for a bad entry, its number and name.
    public init(contentsOf path: String, limits: PersonaSetLimits = PersonaSetLimits()) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PersonaSetError(.unreadable, "cannot read the file", file: path, underlying: error)
        }
        try self.init(try PersonaFileEntries.decode(data, file: path), file: path, limits: limits)
    }

    /// The separator of a user's personas in `phi.csv`, never part of a name.
    public static let listSeparator: Character = "|"

    /// How `name`'s first character that no persona name may hold reads in an error, or `nil` when there is none.
    static func forbiddenCharacter(in name: String) -> String? {
        for scalar in name.unicodeScalars {
            if Character(scalar) == listSeparator { return "'\(listSeparator)'" }
            if scalar.properties.generalCategory == .control {
                return "the control character U+\(String(scalar.value, radix: 16, uppercase: true))"
            }
        }
        return nil
    }

    public static func == (lhs: PersonaSet, rhs: PersonaSet) -> Bool { lhs.personas == rhs.personas }

    public var count: Int { personas.count }
    public var names: [String] { personas.map(\.name) }
    public subscript(index: Int) -> Persona { personas[index] }

    /// The canonical form names are compared in: lowercased, trimmed, inner whitespace runs collapsed to
    /// one space. LLM answers and labels files are matched against R this way.
    public static func normalize(_ name: String) -> String {
        name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The index of the persona called `name` (compared after ``normalize(_:)``), or `nil`.
    public func index(ofName name: String) -> Int? {
        if let i = exactIndex[name] { return i }
        return normalizedIndex[Self.normalize(name)]
    }

    /// Writes the set as a pretty-printed JSON array (the format ``init(contentsOf:)`` reads).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(personas)
            data.append(0x0A)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PersonaSetError(.unwritable, "cannot write the file", file: path, underlying: error)
        }
    }
}
