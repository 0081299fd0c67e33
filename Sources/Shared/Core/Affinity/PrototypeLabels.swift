/// Φ restricted to the prototype users U_s: the personas the LLM gave each labeled user.
///
/// A prototype with an empty persona list answered "Unrepresentable": it is still a prototype (never sampled
/// again, never given inferred personas) but contributes no row to the label matrix.
/// Persona lists keep the order they were given in (the LLM's order), without duplicates.
public struct PrototypeLabels: Sendable, Equatable {
    /// |R|: persona indices are `0 ..< personaCount`.
    public let personaCount: Int
    private var storage: [Int: [Int]]

    /// No prototypes yet.
    public init(personaCount: Int) {
        self.personaCount = personaCount
        self.storage = [:]
    }

    /// Prototypes from a user → personas map.
    /// - Throws: ``AlgorithmError/Code/personaOutOfRange`` or ``AlgorithmError/Code/userOutOfRange`` (negative user).
    public init(personaCount: Int, labels: [Int: [Int]]) throws {
        self.init(personaCount: personaCount)
        for (user, personas) in labels { try setPersonas(personas, forUser: user) }
    }

    /// Records (or replaces) a prototype's personas; duplicates are dropped, first occurrence wins.
    public mutating func setPersonas(_ personas: [Int], forUser user: Int) throws {
        guard user >= 0 else {
            throw AlgorithmError(.userOutOfRange, "user index \(user) is negative", context: "PrototypeLabels")
        }
        var seen = Set<Int>()
        var ordered: [Int] = []
        for persona in personas {
            guard persona >= 0 && persona < personaCount else {
                throw AlgorithmError(
                    .personaOutOfRange, "user \(user) has persona \(persona), expected 0 ..< \(personaCount)",
                    context: "PrototypeLabels")
            }
            if seen.insert(persona).inserted { ordered.append(persona) }
        }
        storage[user] = ordered
    }

    /// |U_s|, including "Unrepresentable" prototypes.
    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// The prototype users, ascending.
    public var users: [Int] { storage.keys.sorted() }

    /// The personas of `user`, or `nil` when `user` is not a prototype (empty = "Unrepresentable").
    public func personas(ofUser user: Int) -> [Int]? { storage[user] }

    public func isPrototype(_ user: Int) -> Bool { storage[user] != nil }

    /// A `userCount`-long mask of prototype users; prototypes at or beyond `userCount` are ignored.
    public func prototypeMask(userCount: Int) -> [Bool] {
        var mask = [Bool](repeating: false, count: userCount)
        for user in storage.keys where user < userCount { mask[user] = true }
        return mask
    }

    /// Adds every prototype of `other` (its labels win for users in both).
    public mutating func merge(_ other: PrototypeLabels) throws {
        guard other.personaCount == personaCount else {
            throw AlgorithmError(
                .shardMismatch, "persona counts differ (\(personaCount) vs \(other.personaCount))",
                context: "PrototypeLabels.merge")
        }
        for (user, personas) in other.storage { storage[user] = personas }
    }
}
