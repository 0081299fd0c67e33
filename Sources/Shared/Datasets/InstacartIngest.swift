/// The Instacart Market Basket dataset: a directory with
/// - `orders.csv` (`order_id,user_id,eval_set,order_number,...`): which user placed each order;
/// - `order_products__prior.csv` and/or `order_products__train.csv` (`order_id,product_id,...`): one row per
///   product in an order, each one purchase of the product by the order's user;
/// - `products.csv` (`product_id,product_name,...`, optional): item names (ids are used when absent).
///
/// The count of a (user, product) edge is the number of the user's orders containing the product. Rows of
/// orders missing from `orders.csv` are dropped as `unknown-order`. Users are numbered in order of first
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
        try context.readCSV(ordersPath, columns: ["order_id", "user_id"], requiredCount: 2) { row, c in
            guard let order = CSVRow.parseInteger(row[c[0]]) else {
                throw BadRow("not an integer: '\(row[c[0]].preview)'", column: "order_id")
            }
            let user = row[c[1]]
            guard !user.isEmpty else { throw BadRow("empty user id", column: "user_id") }
            orderUsers[order] = orderUserIDs.intern(user)
            return .used
        }

        var builder = GraphBuilder()
        var graphUser = [UInt32](repeating: .max, count: orderUserIDs.count)  // orders.csv user → graph user
        for path in purchasePaths {
            try context.readCSV(path, columns: ["order_id", "product_id"], requiredCount: 2) { row, c in
                guard let order = CSVRow.parseInteger(row[c[0]]) else {
                    throw BadRow("not an integer: '\(row[c[0]].preview)'", column: "order_id")
                }
                let product = row[c[1]]
                guard !product.isEmpty else { throw BadRow("empty product id", column: "product_id") }
                guard let local = orderUsers[order] else { return .dropped(IngestReport.DropReason.unknownOrder) }
                var user = graphUser[Int(local)]
                if user == .max {
                    user = orderUserIDs.withBytes(at: Int(local)) { builder.userIndex(forBytes: $0) }
                    graphUser[Int(local)] = user
                }
                builder.addPurchase(userIndex: user, itemIndex: builder.itemIndex(forBytes: product), count: 1)
                return .used
            }
        }

        let productsPath = FileSystem.join(directory, "products.csv")
        if FileSystem.exists(productsPath) {
            try context.readCSV(productsPath, columns: ["product_id", "product_name"], requiredCount: 2) { row, c in
                guard !row[c[0]].isEmpty else { throw BadRow("empty product id", column: "product_id") }
                builder.setName(row.string(c[1]), forItem: row.string(c[0]))
                return .used
            }
        }
        return builder.build()
    }
}
