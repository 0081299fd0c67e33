import Foundation

/// Writes a synthetic purchase dataset with planted personas (`gplr generate`).
///
/// Each persona owns a pool of items (item k belongs to persona k mod |R|, at popularity rank k div |R|)
/// named from its archetype's vocabulary. Each user gets 1–4 personas drawn by persona popularity, a
/// log-normal number of distinct items, each taken — with probability 1 − noise — from one of the user's
/// personas' pools by Zipf popularity, otherwise from a random persona's pool; and a geometric purchase count
/// per item. The personas of each user are written as the planted truth.
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

    public init(config: SyntheticConfig) throws {
        try config.validate()
        self.config = config
        let archetypes = PersonaArchetype.all
        var personas: [Persona] = []
        for p in 0 ..< config.personas {
            let archetype = archetypes[p % archetypes.count]
            let round = p / archetypes.count
            personas.append(Persona(
                name: round == 0 ? archetype.name : "\(archetype.name) \(round + 1)",
                description: archetype.description))
        }
        personaSet = try PersonaSet(personas)
    }

    /// The persona whose pool holds `item`.
    public func persona(ofItem item: Int) -> Int { item % config.personas }

    /// The display name of `item`: "<adjective> <noun> <variant>" from its persona's vocabulary, with a
    /// "#n" suffix once the combinations run out.
    public func itemName(_ item: Int) -> String {
        let p = persona(ofItem: item), rank = item / config.personas
        let archetype = PersonaArchetype.all[p % PersonaArchetype.all.count]
        let variants = PersonaArchetype.variants
        let a = archetype.adjectives.count, n = archetype.nouns.count
        var name = "\(archetype.adjectives[rank % a]) \(archetype.nouns[(rank / a) % n]) "
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

        let p = config.personas
        let personaTable = AliasTable(weights: (0 ..< p).map(config.personaWeight))
        let countTable = AliasTable(weights: config.personasPerUserWeights)
        let poolTables = (0 ..< p).map { persona in
            AliasTable.zipf(count: (config.items - persona + p - 1) / p, exponent: config.itemSkew)
        }
        var rng = SeededGenerator(seed: config.seed)
        var seen = [UInt32](repeating: 0, count: config.items)  // seen[item] == user + 1: already bought
        var chosen: [Int] = []
        var purchases: [(item: Int, count: Int)] = []
        var rows = 0
        let progressInterval = 1 << 16
        var nextProgress = progressInterval

        for user in 0 ..< config.users {
            let personaCount = min(countTable.sample(using: &rng) + 1, p)
            chosen.removeAll(keepingCapacity: true)
            while chosen.count < personaCount {
                let candidate = personaTable.sample(using: &rng)
                if !chosen.contains(candidate) { chosen.append(candidate) }
            }
            chosen.sort()
            let degreeDraw = Foundation.exp(config.degreeLogMean + config.degreeLogSigma * rng.nextStandardNormal())
            let degree = max(1, min(config.items, Int(min(degreeDraw.rounded(), 1e9))))
            purchases.removeAll(keepingCapacity: true)
            let stamp = UInt32(truncatingIfNeeded: user + 1)
            for _ in 0 ..< degree {
                // The pool is decided once per slot, so exhausted pools do not inflate the noise share; a few
                // tries then look for an item of it the user has not bought yet.
                let persona = rng.nextUnitDouble() < config.noiseShare
                    ? rng.nextIndex(below: p) : chosen[rng.nextIndex(below: chosen.count)]
                for _ in 0 ..< 8 {
                    let item = persona + poolTables[persona].sample(using: &rng) * p
                    guard seen[item] != stamp else { continue }
                    seen[item] = stamp
                    var count = 1
                    while count < 100 && rng.nextUnitDouble() < config.repeatProbability { count += 1 }
                    purchases.append((item, count))
                    break
                }
            }
            try sink.writeUser(user, personas: chosen, purchases: purchases)
            rows += purchases.count
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
