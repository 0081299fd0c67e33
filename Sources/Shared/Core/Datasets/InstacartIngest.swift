/// The Instacart Market Basket dataset: a directory with
/// - `orders.csv` (`order_id,user_id,eval_set,order_number,...`): which user placed each order;
/// - `order_products__prior.csv` and/or `order_products__train.csv` (`order_id,product_id,...`): one row per
///   product in an order, each one purchase of the product by the order's user;
/// - `products.csv` (`product_id,product_name,...`): item names (required unless
///   ``IngestOptions/itemNamesAbsent``; ids are used then).
///
/// The count of a (user, product) edge is the number of the user's orders containing the product. Rows of
/// orders missing from `orders.csv` are dropped as `unknown-order`; an order listed twice with two different
/// users is refused (`conflicting rows`, naming both lines). Users are numbered in order of first
/// purchase, so users whose orders have no products are not in the graph.
enum InstacartIngest {
    static let purchaseFiles = ["order_products__prior.csv", "order_products__train.csv"]

    static func run(directory: String, context: inout IngestContext) throws -> PurchaseGraph {
        let ordersPath = FileSystem.join(directory, "orders.csv")
        guard FileSystem.exists(ordersPath) else {
            throw DatasetError(.fileNotFound, "an Instacart directory needs orders.csv", file: ordersPath)
        }
        let purchasePaths = purchaseFiles.map { FileSystem.join(directory, $0) }.filter(FileSystem.exists)
        guard !purchasePaths.isEmpty else {
            throw DatasetError(
                .fileNotFound, "an Instacart directory needs \(purchaseFiles.joined(separator: " and/or "))",
                file: FileSystem.join(directory, purchaseFiles[0]))
        }

        // order id → index of its user among the users of orders.csv.
        var orderUsers = IntegerKeyTable(capacity: 1 << 16)
        var orderUserIDs = ByteStringInterner()
        var text = context.text
        var conflicts = 0
        let chunkSize = context.options.chunkSize
        try context.readCSV(ordersPath, columns: ["order_id", "user_id"], requiredCount: 2) { row, c in
            guard let order = CSVRow.parseInteger(row[c[0]]) else {
                throw BadRow("not an integer: '\(row[c[0]].preview)'", column: "order_id")
            }
            let user = row[c[1]]
            let latin1 = try text.checkID(user, column: "user_id", what: "user id")
            let users = orderUserIDs.count
            let local = orderUserIDs.intern(user)
            if latin1 && orderUserIDs.count > users {
                text.recordLatin1ID(user, isUser: true, file: ordersPath, line: row.line, column: "user_id")
            }
            if let earlier = orderUsers[order] {
                guard earlier == local else {
                    conflicts += 1
                    var line: Int?
                    if conflicts <= 10 { line = try firstLine(ofOrder: order, in: ordersPath, chunkSize: chunkSize) }
                    throw BadRow(
                        "order \(order) is placed by user '\(orderUserIDs.string(at: Int(local)).prefix(80))' here but "
                            + "by user '\(orderUserIDs.string(at: Int(earlier)).prefix(80))'"
                            + (line.map { " on line \($0)" } ?? " on an earlier line"),
                        column: "order_id", code: .conflictingRows)
                }
                return .used
            }
            orderUsers[order] = local
            return .used
        }

        var builder = GraphBuilder()
        builder.reserve(purchaseRows: IngestContext.estimatedRows(of: purchasePaths))
        var graphUser = [UInt32](repeating: .max, count: orderUserIDs.count)  // orders.csv user → graph user
        for path in purchasePaths {
            try context.readCSV(path, columns: ["order_id", "product_id"], requiredCount: 2) { row, c in
                guard let order = CSVRow.parseInteger(row[c[0]]) else {
                    throw BadRow("not an integer: '\(row[c[0]].preview)'", column: "order_id")
                }
                let product = row[c[1]]
                let latin1 = try text.checkID(product, column: "product_id", what: "product id")
                guard let local = orderUsers[order] else { return .dropped(IngestReport.DropReason.unknownOrder) }
                var user = graphUser[Int(local)]
                if user == .max {
                    user = orderUserIDs.withBytes(at: Int(local)) { builder.userIndex(forBytes: $0) }
                    graphUser[Int(local)] = user
                }
                let items = builder.itemCount
                let item = builder.itemIndex(forBytes: product)
                if latin1 && builder.itemCount > items {
                    text.recordLatin1ID(product, isUser: false, file: path, line: row.line, column: "product_id")
                }
                builder.addPurchase(userIndex: user, itemIndex: item, count: 1)
                return .used
            }
        }

        let productsPath = FileSystem.join(directory, "products.csv")
        if FileSystem.exists(productsPath) {
            try context.readItemNames(
                productsPath, idColumn: "product_id", nameColumn: "product_name", what: "product id", text: &text,
                into: &builder)
        }
        return try context.finish(&builder, text: text, purchases: purchasePaths[0])
    }

    /// The line of the first row of `orders.csv` with this order id (to name both lines of a conflict).
    static func firstLine(ofOrder order: Int, in path: String, chunkSize: Int) throws -> Int? {
        let reader = try CSVReader(path: path, chunkSize: chunkSize)
        var column: Int?
        var found: Int?
        try reader.forEachRow { row in
            guard found == nil else { return }
            guard let column else {
                column = row.strings.map { PersonaSet.normalize($0) }.firstIndex(of: "order_id")
                return
            }
            if row.count > column, CSVRow.parseInteger(row[column]) == order { found = row.line }
        }
        return found
    }
}
