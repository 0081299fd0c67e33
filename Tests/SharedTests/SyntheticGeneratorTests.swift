import Foundation
import GPLRTestSupport
import Synchronization
import Testing
@testable import Shared

@Suite struct SyntheticGeneratorTests {
    static let allFormats: Set<DatasetFormat> = [.generic, .instacart, .onlineRetail]

    static func files(in directory: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return result
    }

    @Test func sameSeedGivesIdenticalFilesAndAnotherSeedDifferentOnes() throws {
        let a = try TemporaryDirectory(), b = try TemporaryDirectory(), c = try TemporaryDirectory()
        defer { [a, b, c].forEach { $0.remove() } }
        let config = SyntheticConfig(users: 300, items: 200, seed: 7)
        try SyntheticGenerator(config: config).write(to: a.path, formats: Self.allFormats)
        try SyntheticGenerator(config: config).write(to: b.path, formats: Self.allFormats)
        var other = config
        other.seed = 8
        try SyntheticGenerator(config: other).write(to: c.path, formats: Self.allFormats)
        let filesA = try Self.files(in: a.path), filesB = try Self.files(in: b.path), filesC = try Self.files(in: c.path)
        #expect(filesA.keys.sorted() == [
            "instacart/order_products__prior.csv", "instacart/orders.csv", "instacart/products.csv", "items.csv",
            "online-retail.csv", "personas.json", "purchases.csv", "truth.jsonl",
        ])
        #expect(filesA == filesB)
        #expect(filesA["purchases.csv"] != filesC["purchases.csv"])
        #expect(filesA["truth.jsonl"] != filesC["truth.jsonl"])
        // The generic files do not depend on the other formats being written.
        let d = try TemporaryDirectory()
        defer { d.remove() }
        try SyntheticGenerator(config: config).write(to: d.path)
        let filesD = try Self.files(in: d.path)
        #expect(filesD.keys.sorted() == ["items.csv", "personas.json", "purchases.csv", "truth.jsonl"])
        for (name, data) in filesD { #expect(filesA[name] == data, "\(name)") }
    }

    @Test func outputIngestsBackInEveryFormatWithTheSameGraph() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = SyntheticConfig(users: 500, items: 400, seed: 3)
        let progressSeen = Mutex<[SyntheticProgress]>([])
        let summary = try SyntheticGenerator(config: config).write(to: dir.path, formats: Self.allFormats) { progress in
            progressSeen.withLock { $0.append(progress) }
        }
        #expect(progressSeen.withLock { $0.last } == SyntheticProgress(users: 500, purchaseRows: summary.purchaseRows))

        let (generic, report) = try ingestDataset(IngestSource(format: .generic, path: dir.path))
        #expect(generic.userCount == config.users)
        #expect(report.rowsRead == summary.purchaseRows + config.items)  // purchases + items.csv
        #expect(generic.edgeCount == summary.purchaseRows)  // one row per distinct pair
        #expect(report.rowsSkippedAsBad == 0 && report.rowsDropped.isEmpty)
        let generator = try SyntheticGenerator(config: config)
        #expect(generic.itemNames[0] == generator.itemName(Int(generic.itemIDs[0])! - 1))

        let (instacart, _) = try ingestDataset(
            .instacart(directory: dir.file(SyntheticGenerator.instacartDirectory)))
        let (retail, _) = try ingestDataset(.onlineRetail(file: dir.file(SyntheticGenerator.onlineRetailFile)))
        let edges = edgeMap(generic)
        #expect(edgeMap(instacart) == edges)
        #expect(edgeMap(retail) == edges)
        #expect(Set(instacart.itemNames) == Set(generic.itemNames))
        #expect(Set(retail.itemNames) == Set(generic.itemNames))
    }

    @Test func plantedTruthHasTheRequestedSkewAndIsInferable() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = SyntheticConfig(users: 4000, items: 2000, seed: 11)
        let summary = try SyntheticGenerator(config: config).write(to: dir.path)
        let personas = try PersonaSet(contentsOf: dir.file(SyntheticGenerator.personasFile))
        #expect(personas.count == 20)
        let truth = try LabelsFile.read(path: dir.file(SyntheticGenerator.truthFile), personas: personas)
        #expect(truth.users.count == config.users)
        var coverage = [Int](repeating: 0, count: personas.count)
        for labels in truth.labels.values {
            #expect((1 ... 4).contains(labels.count))
            for p in labels { coverage[p] += 1 }
        }
        let share = coverage.map { Double($0) / Double(config.users) }
        // Paper: the top two personas on ~76% of users each; the rare tail on a few percent.
        #expect(share[0] > 0.6 && share[0] < 0.9 && share[1] > 0.6 && share[1] < 0.9, "\(share)")
        let rarestHalf = share[10...].reduce(0, +)
        #expect(rarestHalf < 0.2, "\(share)")

        // Mean degree ≈ 30 and purchases mostly from the user's own personas' pools.
        let (graph, _) = try ingestDataset(
            .generic(purchases: dir.file("purchases.csv"), items: nil), options: IngestOptions(itemNamesAbsent: true))
        let meanDegree = Double(summary.purchaseRows) / Double(config.users)
        #expect(meanDegree > 20 && meanDegree < 40, "\(meanDegree)")
        var own = 0
        for u in 0 ..< graph.userCount {
            let mine = Set(truth.labels[graph.userIDs[u]]!)
            for item in graph.userItems.row(u) where mine.contains((Int(graph.itemIDs[Int(item)])! - 1) % 20) {
                own += 1
            }
        }
        #expect(Double(own) / Double(graph.edgeCount) > 0.85)
        // Counts are mostly 1–3.
        let small = graph.purchaseCounts.filter { $0 <= 3 }.count
        #expect(Double(small) / Double(graph.edgeCount) > 0.9)
    }

    @Test func invalidConfigurationsAreRejected() {
        #expect(throws: DatasetError.self) { try SyntheticGenerator(config: SyntheticConfig(users: 0)) }
        #expect(throws: DatasetError.self) { try SyntheticGenerator(config: SyntheticConfig(items: 5, personas: 20)) }
        #expect(throws: DatasetError.self) { try SyntheticGenerator(config: SyntheticConfig(noiseShare: 1.5)) }
    }

    @Test func moreThanTheBuiltInPersonasGetUniqueNames() throws {
        let generator = try SyntheticGenerator(config: SyntheticConfig(items: 100, personas: 51))
        #expect(generator.personaSet.count == 51)
        #expect(Set(generator.personaSet.names.map(PersonaSet.normalize)).count == 51)
    }

    @Test func seededGeneratorIsDeterministicAndRoughlyUniform() {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5), c = SeededGenerator(seed: 6)
        let xs = (0 ..< 100).map { _ in a.next() }
        #expect(xs == (0 ..< 100).map { _ in b.next() })
        #expect(xs != (0 ..< 100).map { _ in c.next() })
        var buckets = [Int](repeating: 0, count: 10)
        for _ in 0 ..< 100_000 { buckets[a.nextIndex(below: 10)] += 1 }
        #expect(buckets.allSatisfy { abs($0 - 10_000) < 600 }, "\(buckets)")
        let mean = (0 ..< 100_000).reduce(0.0) { acc, _ in acc + a.nextStandardNormal() } / 100_000
        #expect(abs(mean) < 0.02)
    }
}
