import Foundation

/// Writes a synthetic purchase dataset with planted personas (`gplr generate`).
///
/// Items `0 ..< stapleItems` are staples (milk, bananas: bought by everyone, a signal of nobody); each
/// persona owns a pool of the others (item `stapleItems + k` belongs to persona k mod |R|, at popularity rank
/// k div |R|), named from its archetype's vocabulary. Each user gets a log-normal number d of distinct items
/// and 1 + Poisson(``SyntheticConfig/personasPerLogDegree`` × ln d) latent personas drawn by persona
/// popularity; each purchase is off-persona noise (a random persona's pool), a staple, or — most of the
/// time — for one of the user's personas (the first ones more often), taken from that persona's pool or
/// from a related persona's (``related``), by Zipf popularity; then a geometric purchase count per item.
/// The planted truth lists the latent personas the user bought enough items for
/// (``SyntheticConfig/minEvidence``). docs/decisions.md ("Synthetic data") says why.
///
/// Output streams: rows are written as each user is generated and only the per-persona item tables are in
/// memory, so the number of users is limited by disk, not RAM. The same seed gives byte-identical files;
/// the generic files do not depend on which other formats are requested.
public struct SyntheticGenerator: Sendable {
    public static let purchasesFile = "purchases.csv"
    public static let itemsFile = "items.csv"
    public static let personasFile = "personas.json"
    public static let truthFile = "truth.jsonl"
    /// Subdirectory holding the Instacart-format copy.
    public static let instacartDirectory = "instacart"
    /// File holding the Online-Retail-format copy.
    public static let onlineRetailFile = "online-retail.csv"

    public let config: SyntheticConfig
    /// R: the personas planted (in popularity order).
    public let personaSet: PersonaSet
    /// For each persona, the personas whose pools its users also buy from (sorted, symmetric): the
    /// archetypes' ``PersonaArchetype/relations`` within the same round of names, a repeated archetype
    /// ("Home Chef 2") and its original, and ring neighbours for a persona with no relation in the set.
    public let related: [[Int]]

    public init(config: SyntheticConfig) throws {
        try config.validate()
        self.config = config
        let archetypes = PersonaArchetype.all
        var personas: [Persona] = []
        for p in 0..<config.personas {
            let archetype = archetypes[p % archetypes.count]
            let round = p / archetypes.count
            personas.append(
                Persona(
                    name: round == 0 ? archetype.name : "\(archetype.name) \(round + 1)",
                    description: archetype.description))
        }
        personaSet = try PersonaSet(personas)
        related = Self.relatedPersonas(count: config.personas)
    }

    static func relatedPersonas(count: Int) -> [[Int]] {
        let archetypes = PersonaArchetype.all, n = archetypes.count
        let index = Dictionary(uniqueKeysWithValues: archetypes.enumerated().map { ($1.name, $0) })
        var related = [Set<Int>](repeating: [], count: count)
        func relate(_ p: Int, _ q: Int) {
            guard p != q, p < count, q < count else { return }
            related[p].insert(q)
            related[q].insert(p)
        }
        for round in 0...(count - 1) / n {
            for (a, b) in PersonaArchetype.relations {
                guard let a = index[a], let b = index[b] else { continue }
                relate(round * n + a, round * n + b)
            }
        }
        for p in n..<max(n, count) { relate(p, p % n) }
        for p in 0..<count where related[p].isEmpty && count > 1 {
            relate(p, (p + 1) % count)
            relate(p, (p + count - 1) % count)
        }
        return related.map { $0.sorted() }
    }

    /// The persona whose pool holds `item`; nil for a staple.
    public func persona(ofItem item: Int) -> Int? {
        let staples = config.stapleItems
        return item < staples ? nil : (item - staples) % config.personas
    }

    /// The popularity rank of `item` within its pool (the staples or its persona's), 0 = most popular.
    public func poolRank(ofItem item: Int) -> Int {
        let staples = config.stapleItems
        return item < staples ? item : (item - staples) / config.personas
    }

    /// The display name of `item`: "<adjective> <noun> <variant>" from its persona's vocabulary (or the
    /// staples'), with a "#n" suffix once the combinations run out.
    public func itemName(_ item: Int) -> String {
        let rank = poolRank(ofItem: item)
        let archetype =
            persona(ofItem: item).map { PersonaArchetype.all[$0 % PersonaArchetype.all.count] }
            ?? PersonaArchetype.staples
        let variants = PersonaArchetype.variants
        let a = archetype.adjectives.count, n = archetype.nouns.count
        var name =
            "\(archetype.adjectives[rank % a]) \(archetype.nouns[(rank / a) % n]) "
            + variants[(rank / (a * n)) % variants.count]
        let cycle = rank / (a * n * variants.count)
        if cycle > 0 { name += " #\(cycle + 1)" }
        return name
    }

    /// External id of user `index` (numeric, so every format can carry it, e.g. Online Retail's CustomerID).
    public static func userID(_ index: Int) -> String { String(index + 1) }
    /// External id of item `index`.
    public static func itemID(_ index: Int) -> String { String(index + 1) }

    /// Writes the dataset into `directory` (created if needed): `purchases.csv`, `items.csv`, `personas.json`,
    /// `truth.jsonl`, plus `instacart/` and/or `online-retail.csv` when those formats are asked for.
    /// - Parameter progress: called with the users and purchase rows written so far, about every 65,536 rows and
    ///   once at the end (after the files are closed).
    @discardableResult
    public func write(
        to directory: String, formats: Set<DatasetFormat> = [.generic],
        progress: ((SyntheticProgress) -> Void)? = nil
    ) throws -> SyntheticSummary {
        try FileSystem.createDirectory(directory)
        var sink = try SyntheticSink(generator: self, directory: directory, formats: formats)
        try personaSet.write(to: FileSystem.join(directory, Self.personasFile))
        try sink.writeItems()

        var sampler = SyntheticUserSampler(generator: self)
        var rng = SeededGenerator(seed: config.seed)
        var rows = 0
        let progressInterval = 1 << 16
        var nextProgress = progressInterval
        for user in 0..<config.users {
            sampler.drawUser(using: &rng)
            try sink.writeUser(user, personas: sampler.truth, purchases: sampler.purchases)
            rows += sampler.purchases.count
            if rows >= nextProgress {
                progress?(SyntheticProgress(users: user + 1, purchaseRows: rows))
                nextProgress = rows + progressInterval
            }
        }
        let files = try sink.close()
        progress?(SyntheticProgress(users: config.users, purchaseRows: rows))
        return SyntheticSummary(
            directory: directory, users: config.users, items: config.items, purchaseRows: rows,
            files: [FileSystem.join(directory, Self.personasFile)] + files)
    }
}

/// How far ``SyntheticGenerator/write(to:formats:progress:)`` is.
public struct SyntheticProgress: Sendable, Equatable {
    /// Users generated so far (of ``SyntheticConfig/users``).
    public var users: Int
    /// Rows of `purchases.csv` written so far.
    public var purchaseRows: Int
}

/// What ``SyntheticGenerator/write(to:formats:progress:)`` wrote.
public struct SyntheticSummary: Sendable, Equatable {
    public var directory: String
    public var users: Int
    public var items: Int
    /// Rows of `purchases.csv` (distinct user–item pairs).
    public var purchaseRows: Int
    public var files: [String]
}
