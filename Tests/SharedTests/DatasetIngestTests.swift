import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore

/// The (user id, item id) → count map of a graph, for order-independent comparisons.
func edgeMap(_ graph: PurchaseGraph) -> [String: UInt32] {
    var edges: [String: UInt32] = [:]
    for u in 0..<graph.userCount {
        for (item, count) in graph.purchases(ofUser: u) { edges["\(graph.userIDs[u])|\(graph.itemIDs[item])"] = count }
    }
    return edges
}

@Suite(.timeLimit(.minutes(5))) struct DatasetGenericIngestTests {
    /// Purchases without an items.csv, on purpose.
    static let unnamed = IngestOptions(itemNamesAbsent: true)

    @Test func readsPurchasesAndNamesWithQuotingAndCRLF() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try DatasetFixtures.write(
            "user,item,count\r\nu1,i1,2\r\nu2,\"i,2\",1\r\nu1,i1,3\r\nu3,i3,0\r\nu2,i1,1", to: "purchases.csv", in: dir)
        try DatasetFixtures.write("name,item\n\"Milk, 2%\",i1\nBread,\"i,2\"\nUnused,i9\n", to: "items.csv", in: dir)
        let (graph, report) = try ingestDataset(IngestSource(format: .generic, path: dir.path))
        #expect(graph.userIDs == ["u1", "u2"])
        #expect(graph.itemIDs == ["i1", "i,2"])
        #expect(graph.itemNames == ["Milk, 2%", "Bread"])
        #expect(edgeMap(graph) == ["u1|i1": 5, "u2|i,2": 1, "u2|i1": 1])
        #expect(report.files.map(\.path) == [dir.file("purchases.csv"), dir.file("items.csv")])
        #expect(report.files[0].rowsRead == 5 && report.files[0].rowsUsed == 4)
        #expect(report.rowsDropped == [IngestReport.DropReason.nonPositiveCount: 1])
        #expect(report.rowsSkippedAsBad == 0)
    }

    @Test func countColumnIsOptional() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write("item,user\na,x\na,x\nb,y\n", to: "p.csv", in: dir)
        let (graph, _) = try ingestDataset(.generic(purchases: path, items: nil), options: Self.unnamed)
        #expect(edgeMap(graph) == ["x|a": 2, "y|b": 1])
        #expect(graph.itemNames == graph.itemIDs)
    }

    @Test func badCountFailsWithFileAndLineOrIsSkippedAndCounted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write(
            "user,item,count\nu1,i1,1\n\"u2\",\"multi\nline\",2\nu2,i2,abc\nu3,i3\nu4,i4,1\n", to: "p.csv", in: dir)
        let error = try #require(throws: DatasetError.self) {
            try ingestDataset(.generic(purchases: path, items: nil), options: Self.unnamed)
        }
        #expect(error.code == .badValue && error.file == path && error.line == 5 && error.column == "count")
        #expect(error.description.hasPrefix("\(path):5:"))

        let (graph, report) = try ingestDataset(
            .generic(purchases: path, items: nil), options: IngestOptions(skipBadRows: true, itemNamesAbsent: true))
        #expect(report.rowsSkippedAsBad == 2)
        #expect(report.rowsRead == 5 && report.rowsUsed == 3)
        #expect(report.badRowSamples.map(\.line) == [5, 6])
        #expect(report.badRowSamples.map(\.code) == [.badValue, .wrongFieldCount])
        #expect(edgeMap(graph) == ["u1|i1": 1, "u2|multi\nline": 2, "u4|i4": 1])
    }

    @Test func unterminatedQuoteAndMissingColumnAreErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let open = try DatasetFixtures.write("user,item\nu1,i1\nu2,\"i2\nu3,i3\n", to: "open.csv", in: dir)
        let error = try #require(throws: DatasetError.self) {
            try ingestDataset(.generic(purchases: open, items: nil), options: Self.unnamed)
        }
        #expect(error.code == .unterminatedQuote && error.line == 3 && error.file == open)

        let noItem = try DatasetFixtures.write("user,product\nu1,i1\n", to: "noitem.csv", in: dir)
        let missing = try #require(throws: DatasetError.self) {
            try ingestDataset(.generic(purchases: noItem, items: nil), options: Self.unnamed)
        }
        #expect(missing.code == .missingColumn && missing.line == 1 && missing.column == "item")

        let empty = try DatasetFixtures.write("", to: "empty.csv", in: dir)
        let emptyError = try #require(throws: DatasetError.self) {
            try ingestDataset(.generic(purchases: empty, items: nil), options: Self.unnamed)
        }
        #expect(emptyError.code == .emptyFile)
    }
}

@Suite(.timeLimit(.minutes(5))) struct DatasetOnlineRetailIngestTests {
    static let header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\r\n"

    @Test func dropsCancellationsMissingCustomersAndNonPositiveQuantities() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write(
            Self.header + """
                536365,85123A,"WHITE HANGING HEART T-LIGHT HOLDER, LARGE",6,12/1/2010 8:26,2.55,17850.0,United Kingdom\r
                536365,71053,,6,12/1/2010 8:26,3.39,17850.0,United Kingdom\r
                536366,85123A,other name,2,12/1/2010 8:28,2.55,13047,United Kingdom\r
                536367,22633,HAND WARMER,3,12/1/2010 8:34,1.85,,United Kingdom\r
                C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom\r
                536380,22139,RETROSPOT TEA SET,-2,12/1/2010 9:41,4.95,14527,United Kingdom\r
                536381,71053, WHITE METAL LANTERN ,1,12/1/2010 9:45,3.39,17850,United Kingdom\r
                536382,22139,RETROSPOT TEA SET,0,12/1/2010 9:41,4.95,14527,United Kingdom\r

                """, to: "retail.csv", in: dir)
        let (graph, report) = try ingestDataset(IngestSource(format: .onlineRetail, path: path))
        #expect(graph.userIDs == ["17850", "13047"])
        #expect(graph.itemIDs == ["85123A", "71053"])
        #expect(graph.itemNames == ["WHITE HANGING HEART T-LIGHT HOLDER, LARGE", "WHITE METAL LANTERN"])
        #expect(edgeMap(graph) == ["17850|85123A": 1, "17850|71053": 2, "13047|85123A": 1])
        #expect(report.rowsRead == 8 && report.rowsUsed == 4)
        #expect(
            report.rowsDropped == [
                IngestReport.DropReason.cancellation: 1, IngestReport.DropReason.missingCustomerID: 1,
                IngestReport.DropReason.nonPositiveQuantity: 2,
            ])
    }

    @Test func badQuantityNamesFileLineAndColumn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write(
            Self.header + "1,A,x,2,d,1.0,5,UK\r\n2,B,y,six,d,1.0,5,UK\r\n", to: "retail.csv", in: dir)
        let error = try #require(throws: DatasetError.self) { try ingestDataset(.onlineRetail(file: path)) }
        #expect(error.code == .badValue && error.file == path && error.line == 3 && error.column == "Quantity")
        let (graph, report) = try ingestDataset(.onlineRetail(file: path), options: IngestOptions(skipBadRows: true))
        #expect(report.rowsSkippedAsBad == 1 && graph.edgeCount == 1)
    }

    @Test func normalizesCustomerIDs() {
        func norm(_ s: String) -> String {
            Array(s.utf8).withUnsafeBytes {
                String(decoding: OnlineRetailIngest.normalizedCustomerID($0), as: UTF8.self)
            }
        }
        #expect(norm("12346.0") == "12346")
        #expect(norm("12346.00") == "12346")
        #expect(norm("12346") == "12346")
        #expect(norm("12346.5") == "12346.5")
        #expect(norm("A1.0") == "A1.0")
    }
}

@Suite(.timeLimit(.minutes(5))) struct DatasetInstacartIngestTests {
    static func writeDataset(in dir: TemporaryDirectory, prior: String) throws {
        try DatasetFixtures.write(
            """
            order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order
            1,10,prior,1,2,8,
            2,20,train,1,3,9,
            3,10,prior,2,4,10,7.0
            4,30,test,1,1,1,

            """, to: "orders.csv", in: dir)
        try DatasetFixtures.write(prior, to: "order_products__prior.csv", in: dir)
        try DatasetFixtures.write(
            "order_id,product_id,add_to_cart_order,reordered\r\n2,300,1,0\r\n", to: "order_products__train.csv", in: dir
        )
        try DatasetFixtures.write(
            """
            product_id,product_name,aisle_id,department_id
            100,"Milk, Organic \"\"Whole\"\"",84,16
            200,Bread,112,3
            300,Eggs,86,16
            400,Unsold,1,1

            """, to: "products.csv", in: dir)
    }

    @Test func joinsOrdersToUsersAndCountsOrdersPerProduct() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.writeDataset(
            in: dir,
            prior: "order_id,product_id,add_to_cart_order,reordered\n1,100,1,0\n1,200,2,0\n3,100,1,1\n99,100,1,0\n")
        let (graph, report) = try ingestDataset(IngestSource(format: .instacart, path: dir.path))
        #expect(graph.userIDs == ["10", "20"])
        #expect(graph.itemIDs == ["100", "200", "300"])
        #expect(graph.itemNames == ["Milk, Organic \"Whole\"", "Bread", "Eggs"])
        #expect(edgeMap(graph) == ["10|100": 2, "10|200": 1, "20|300": 1])
        #expect(report.rowsDropped == [IngestReport.DropReason.unknownOrder: 1])
        #expect(
            report.files.map { ($0.path as NSString).lastPathComponent } == [
                "orders.csv", "order_products__prior.csv", "order_products__train.csv", "products.csv",
            ])
    }

    @Test func badOrderIDNamesFileAndLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.writeDataset(
            in: dir, prior: "order_id,product_id,add_to_cart_order,reordered\n1,100,1,0\nx1,200,2,0\n")
        let error = try #require(throws: DatasetError.self) { try ingestDataset(.instacart(directory: dir.path)) }
        #expect(error.file == dir.file("order_products__prior.csv") && error.line == 3 && error.column == "order_id")
        let (_, report) = try ingestDataset(.instacart(directory: dir.path), options: IngestOptions(skipBadRows: true))
        #expect(report.rowsSkippedAsBad == 1)
    }

    @Test func missingOrdersFileIsAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let error = try #require(throws: DatasetError.self) { try ingestDataset(.instacart(directory: dir.path)) }
        #expect(error.code == .fileNotFound && error.file == dir.file("orders.csv"))
    }
}
