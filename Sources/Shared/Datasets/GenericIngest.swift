/// The generic format: `purchases.csv` with header `user,item[,count]` (a missing count column means 1)
/// and optionally `items.csv` with header `item,name`. Counts must be integers; rows with count ≤ 0 are
/// dropped. Columns may appear in any order and extra columns are ignored.
enum GenericIngest {
    static func run(purchases: String, items: String?, context: inout IngestContext) throws -> PurchaseGraph {
        var builder = GraphBuilder()
        try context.readCSV(purchases, columns: ["user", "item", "count"], requiredCount: 2) { row, columns in
            let user = row[columns[0]], item = row[columns[1]]
            guard !user.isEmpty else { throw BadRow("empty user id", column: "user") }
            guard !item.isEmpty else { throw BadRow("empty item id", column: "item") }
            var count = 1
            if columns[2] >= 0 {
                guard let value = CSVRow.parseInteger(row[columns[2]]) else {
                    throw BadRow("not an integer: '\(row[columns[2]].preview)'", column: "count")
                }
                guard value > 0 else { return .dropped(IngestReport.DropReason.nonPositiveCount) }
                guard value <= Int(UInt32.max) else { throw BadRow("count \(value) is too large", column: "count") }
                count = value
            }
            builder.addPurchase(userBytes: user, itemBytes: item, count: UInt32(count))
            return .used
        }
        if let items {
            try context.readCSV(items, columns: ["item", "name"], requiredCount: 2) { row, columns in
                guard !row[columns[0]].isEmpty else { throw BadRow("empty item id", column: "item") }
                builder.setName(row.string(columns[1]), forItem: row.string(columns[0]))
                return .used
            }
        }
        return builder.build()
    }
}
