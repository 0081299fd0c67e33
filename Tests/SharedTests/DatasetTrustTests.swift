import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore

/// Issue 10, "never silently wrong" at ingest: bytes that are not UTF-8, an order placed by two users, counts
/// past 2³² − 1, an input without purchases, a dataset without item names and over-long ids or names are refused
/// with their file and line (or, when asked, read as Latin-1 and counted) instead of changing the data silently.
@Suite(.timeLimit(.minutes(5))) struct DatasetTrustTests {
    /// Writes raw bytes (not necessarily UTF-8) to `name` in `directory`.
    @discardableResult
    static func write(_ bytes: [UInt8], to name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func generic(_ purchases: [UInt8], items: String = "item,name\ni1,Milk\ni2,Bread\n") throws
        -> (TemporaryDirectory, IngestSource)
    {
        let dir = try TemporaryDirectory()
        try write(purchases, to: "purchases.csv", in: dir)
        try DatasetFixtures.write(items, to: "items.csv", in: dir)
        return (dir, IngestSource(format: .generic, path: dir.path))
    }

    /// `ué` and `uè` in Latin-1 (E9, E8): both used to become `u\u{FFFD}`, one user.
    static let latin1Users: [UInt8] =
        Array("user,item,count\nu".utf8) + [0xE9] + Array(",i1,1\nu".utf8) + [0xE8]
        + Array(",i2,1\n".utf8)

    @Test func idsThatAreNotUTF8AreRefusedNamingFileLineAndColumn() throws {
        let (dir, source) = try Self.generic(Self.latin1Users)
        defer { dir.remove() }
        let error = try #require(throws: DatasetError.self) { try ingestDataset(source) }
        #expect(error.code == .badEncoding)
        #expect(error.file == dir.file("purchases.csv") && error.line == 2 && error.column == "user")
        #expect(error.message.contains("E9") && error.message.contains("--invalid-utf8 latin1"), "\(error)")
    }

    @Test func latin1PolicyKeepsTheUsersApartAndCountsThem() throws {
        let (dir, source) = try Self.generic(Self.latin1Users, items: "item,name\ni1,Cr\u{E8}me\ni2,Bread\n")
        defer { dir.remove() }
        let (graph, report) = try ingestDataset(source, options: IngestOptions(invalidUTF8: .latin1))
        #expect(graph.userIDs == ["u\u{E9}", "u\u{E8}"])
        #expect(graph.itemNames == ["Cr\u{E8}me", "Bread"], "valid UTF-8 names stay as they are")
        #expect(report.latin1Decoded == 2)
        #expect(!graph.userIDs.joined().contains("\u{FFFD}"))
    }

    @Test func latin1IdEqualToAUTF8IdIsRefused() throws {
        // E9 read as Latin-1 is "é", which another row spells in UTF-8 (C3 A9): they would become one user.
        let bytes = Array("user,item\nu".utf8) + [0xE9] + Array(",i1\nu\u{E9},i2\n".utf8)
        let (dir, source) = try Self.generic(bytes)
        defer { dir.remove() }
        let error = try #require(throws: DatasetError.self) {
            try ingestDataset(source, options: IngestOptions(invalidUTF8: .latin1))
        }
        #expect(error.code == .conflictingRows && error.line == 2 && error.column == "user", "\(error)")
    }

    @Test func nonUTF8ItemNameIsRefusedUnlessLatin1() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try DatasetFixtures.write("user,item\nu1,i1\n", to: "purchases.csv", in: dir)
        try Self.write(Array("item,name\ni1,Cr".utf8) + [0xE8] + Array("me\n".utf8), to: "items.csv", in: dir)
        let source = IngestSource(format: .generic, path: dir.path)
        let error = try #require(throws: DatasetError.self) { try ingestDataset(source) }
        #expect(error.code == .badEncoding && error.file == dir.file("items.csv") && error.line == 2)
        #expect(error.column == "name")
        let (graph, report) = try ingestDataset(source, options: IngestOptions(invalidUTF8: .latin1))
        #expect(graph.itemNames == ["Cr\u{E8}me"] && report.latin1Decoded == 1)
    }

    @Test func instacartOrderOfTwoUsersIsRefusedNamingBothLines() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try DatasetFixtures.write(
            "order_id,user_id,eval_set\n1,10,prior\n2,20,prior\n1,30,prior\n", to: "orders.csv", in: dir)
        try DatasetFixtures.write("order_id,product_id\n1,100\n2,100\n", to: "order_products__prior.csv", in: dir)
        try DatasetFixtures.write("product_id,product_name\n100,Milk\n", to: "products.csv", in: dir)
        let error = try #require(throws: DatasetError.self) { try ingestDataset(.instacart(directory: dir.path)) }
        #expect(error.code == .conflictingRows && error.file == dir.file("orders.csv") && error.line == 4)
        #expect(
            error.message.contains("'30'") && error.message.contains("'10'") && error.message.contains("line 2"),
            "\(error)")
        // The same order listed twice for the same user is no conflict.
        try DatasetFixtures.write("order_id,user_id\n1,10\n1,10\n", to: "orders.csv", in: dir)
        #expect(try ingestDataset(.instacart(directory: dir.path)).graph.userIDs == ["10"])
    }

    @Test func countsSummingPastUInt32AreRefusedNotClamped() throws {
        let (dir, source) = try Self.generic(Array("user,item,count\nu1,i1,4294967295\nu1,i1,1\nu2,i2,3\n".utf8))
        defer { dir.remove() }
        let error = try #require(throws: DatasetError.self) { try ingestDataset(source) }
        #expect(error.code == .countOverflow && error.file == dir.file("purchases.csv"))
        #expect(
            error.message.contains("'u1'") && error.message.contains("'i1'") && error.message.contains("4294967296"))
        // Up to the limit the sum is exact.
        let (fine, fineSource) = try Self.generic(Array("user,item,count\nu1,i1,4294967294\nu1,i1,1\n".utf8))
        defer { fine.remove() }
        #expect(try ingestDataset(fineSource).graph.purchaseCounts == [UInt32.max])
    }

    @Test func inputsWithoutAPurchaseAreRefused() throws {
        let (dir, source) = try Self.generic(Array("user,item,count\n".utf8))
        defer { dir.remove() }
        let error = try #require(throws: DatasetError.self) { try ingestDataset(source) }
        #expect(error.code == .noPurchases && error.file == dir.file("purchases.csv"))
        // Every row dropped (count 0) or skipped as bad: no purchase either.
        try DatasetFixtures.write("user,item,count\nu1,i1,0\nu2,i2,x\n", to: "purchases.csv", in: dir)
        let skipped = try #require(throws: DatasetError.self) {
            try ingestDataset(source, options: IngestOptions(skipBadRows: true))
        }
        #expect(skipped.code == .noPurchases && skipped.message.contains("1 skipped as bad, 1 dropped"), "\(skipped)")
        let retail = try DatasetFixtures.write(
            "InvoiceNo,StockCode,Description,Quantity,CustomerID\n", to: "retail.csv", in: dir)
        #expect(throws: DatasetError.self) { try ingestDataset(.onlineRetail(file: retail)) }
    }

    @Test func missingNamesFileIsRefusedUnlessNamesAreDeclaredAbsent() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try DatasetFixtures.write("user,item\nu1,i1\n", to: "purchases.csv", in: dir)
        let source = IngestSource(format: .generic, path: dir.path)
        let error = try #require(throws: DatasetError.self) { try ingestDataset(source) }
        #expect(error.code == .fileNotFound && error.file == dir.file("items.csv"))
        #expect(error.message.contains("--no-item-names"))
        let (graph, report) = try ingestDataset(source, options: IngestOptions(itemNamesAbsent: true))
        #expect(graph.itemNames == ["i1"] && report.itemNamesAbsent)

        try DatasetFixtures.write("order_id,user_id\n1,10\n", to: "orders.csv", in: dir)
        try DatasetFixtures.write("order_id,product_id\n1,100\n", to: "order_products__prior.csv", in: dir)
        let instacart = try #require(throws: DatasetError.self) { try ingestDataset(.instacart(directory: dir.path)) }
        #expect(instacart.code == .fileNotFound && instacart.file == dir.file("products.csv"))
    }

    @Test func overlongIdsAndNamesAreRefusedNamingTheLine() throws {
        let longID = String(repeating: "u", count: 300)
        let (dir, source) = try Self.generic(Array("user,item\nu1,i1\n\(longID),i2\n".utf8))
        defer { dir.remove() }
        let error = try #require(throws: DatasetError.self) { try ingestDataset(source) }
        #expect(error.code == .limitExceeded && error.line == 3 && error.column == "user")
        #expect(error.message.contains("300 bytes") && error.message.contains("--max-id-bytes"))
        let raised = IngestOptions(limits: IngestLimits(maxIDBytes: 300))
        #expect(try ingestDataset(source, options: raised).graph.userCount == 2)

        try DatasetFixtures.write(
            "item,name\ni1,Milk\ni2,\(String(repeating: "x", count: 5000))\n", to: "items.csv", in: dir)
        let name = try #require(throws: DatasetError.self) { try ingestDataset(source, options: raised) }
        #expect(name.code == .limitExceeded && name.file == dir.file("items.csv") && name.line == 3)
        #expect(name.message.contains("--max-name-bytes"))
    }

    @Test func skippedOverlongIdLeavesNoTraceInTheGraph() throws {
        let longID = String(repeating: "u", count: 300)
        let (dir, source) = try Self.generic(Array("user,item\nu1,i1\n\(longID),i2\n\(longID),i1\n".utf8))
        defer { dir.remove() }
        let (graph, report) = try ingestDataset(source, options: IngestOptions(skipBadRows: true))
        #expect(graph.userIDs == ["u1"] && graph.itemIDs == ["i1"])
        #expect(report.rowsSkippedAsBad == 2)
    }

    @Test func personaSetLimitsNameTheEntry() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let many = (0..<1001).map { Persona(name: "P\($0)", description: "d") }
        try PersonaSet(many).write(to: dir.file("many.json"))
        let count = try #require(throws: PersonaSetError.self) { try PersonaSet(contentsOf: dir.file("many.json")) }
        #expect(count.code == .limitExceeded && count.file == dir.file("many.json"))
        #expect(count.message.contains("1001 personas") && count.message.contains("--max-personas"))
        #expect(
            try PersonaSet(contentsOf: dir.file("many.json"), limits: PersonaSetLimits(maxPersonas: 1001)).count
                == 1001)

        let long = [
            Persona(name: "A", description: "d"), Persona(name: String(repeating: "n", count: 300), description: "d"),
            Persona(name: "C", description: String(repeating: "d", count: 5000)),
        ]
        try PersonaSet(long).write(to: dir.file("long.json"))
        let name = try #require(throws: PersonaSetError.self) { try PersonaSet(contentsOf: dir.file("long.json")) }
        #expect(name.message.contains("persona #2") && name.message.contains("--max-persona-name-bytes"))
        let description = try #require(throws: PersonaSetError.self) {
            try PersonaSet(contentsOf: dir.file("long.json"), limits: PersonaSetLimits(maxNameBytes: 300))
        }
        #expect(
            description.message.contains("persona #3")
                && description.message.contains("--max-persona-description-bytes"))
    }

    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        var random = SeededGenerator(seed: 7)
        for length in 0..<40 {
            for _ in 0..<200 {
                let bytes = (0..<length).map { _ in
                    UInt8.random(in: 0...255, using: &random) & (Bool.random(using: &random) ? 0x7F : 0xFF)
                }
                let expected = String(validating: bytes, as: UTF8.self) != nil
                bytes.withUnsafeBytes { raw in
                    #expect(IngestText.isValidUTF8(raw) == expected, "\(bytes)")
                    #expect(IngestText.isASCII(raw) == bytes.allSatisfy { $0 < 0x80 })
                }
            }
        }
    }
}
