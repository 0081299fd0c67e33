/// The generic format: `purchases.csv` with header `user,item[,count]` (a missing count column means 1)
/// and `items.csv` with header `item,name` (required unless ``IngestOptions/itemNamesAbsent``). Counts must be
/// integers; rows with count ≤ 0 are dropped. Columns may appear in any order and extra columns are ignored.
enum GenericIngest {
    static func run(purchases: String, items: String?, context: inout IngestContext) throws -> PurchaseGraph {
        var builder = GraphBuilder()
        builder.reserve(purchaseRows: IngestContext.estimatedRows(of: [purchases]))
        var text = context.text
        // A plain value: the row callback reads it without retaining `text`'s arrays on every row.
        let ids = text.ids
        try context.readCSV(purchases, columns: ["user", "item", "count"], requiredCount: 2) { row, columns in
            let user = row[columns[0]], item = row[columns[1]]
            let userLatin1 = try ids.checkID(user, column: "user", what: "user id")
            let itemLatin1 = try ids.checkID(item, column: "item", what: "item id")
            var count = 1
            if columns[2] >= 0 {
                guard let value = CSVRow.parseInteger(row[columns[2]]) else {
                    throw BadRow("not an integer: '\(row[columns[2]].preview)'", column: "count")
                }
                guard value > 0 else { return .dropped(IngestReport.DropReason.nonPositiveCount) }
                guard value <= Int(UInt32.max) else { throw BadRow("count \(value) is too large", column: "count") }
                count = value
            }
            let users = builder.userCount, items = builder.itemCount
            builder.addPurchase(userBytes: user, itemBytes: item, count: UInt32(count))
            if userLatin1 && builder.userCount > users {
                text.recordLatin1ID(user, isUser: true, file: purchases, line: row.line, column: "user")
            }
            if itemLatin1 && builder.itemCount > items {
                text.recordLatin1ID(item, isUser: false, file: purchases, line: row.line, column: "item")
            }
            return .used
        }
        if let items {
            try context.readItemNames(
                items, idColumn: "item", nameColumn: "name", what: "item id", text: &text, into: &builder)
        }
        return try context.finish(&builder, text: text, purchases: purchases)
    }
}
