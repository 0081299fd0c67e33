/// The UCI Online Retail dataset as one CSV with header
/// `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country`.
///
/// Users are `CustomerID`s (an export's "12346.0" is normalised to "12346"), items are `StockCode`s named by
/// the first non-empty `Description` seen (trimmed). Rows are dropped, and counted by reason, when the
/// invoice is a cancellation (`InvoiceNo` starting with "C"), the `CustomerID` is empty, or `Quantity` ≤ 0.
///
/// The count of an edge is the number of invoice lines on which the customer bought the item — how many
/// times they purchased it, as the labeling prompt says — not the summed `Quantity`, which in this
/// wholesale-heavy dataset mostly measures pack sizes (12, 24, 480 …) and would drown the signal.
enum OnlineRetailIngest {
    static let columns = ["invoiceno", "stockcode", "description", "quantity", "customerid"]

    static func run(file: String, context: inout IngestContext) throws -> PurchaseGraph {
        var builder = GraphBuilder()
        var named: [Bool] = []
        var text = context.text
        try context.readCSV(file, columns: columns, requiredCount: columns.count) { row, c in
            let invoice = row[c[0]].trimmed
            if let first = invoice.first, first == 0x43 || first == 0x63 {  // "C" / "c"
                return .dropped(IngestReport.DropReason.cancellation)
            }
            let customer = normalizedCustomerID(row[c[4]].trimmed)
            if customer.isEmpty { return .dropped(IngestReport.DropReason.missingCustomerID) }
            guard let quantity = CSVRow.parseInteger(row[c[3]]) else {
                throw BadRow("not an integer: '\(row[c[3]].preview)'", column: "Quantity")
            }
            guard quantity > 0 else { return .dropped(IngestReport.DropReason.nonPositiveQuantity) }
            let stockCode = row[c[1]].trimmed
            let customerLatin1 = try text.checkID(customer, column: "CustomerID", what: "customer id")
            let itemLatin1 = try text.checkID(stockCode, column: "StockCode", what: "stock code")
            let description = row[c[2]].trimmed
            try text.checkName(description, column: "Description")  // before the row counts as used
            let users = builder.userCount, items = builder.itemCount
            let (_, item) = builder.addPurchase(userBytes: customer, itemBytes: stockCode, count: 1)
            if customerLatin1 && builder.userCount > users {
                text.recordLatin1ID(customer, isUser: true, file: file, line: row.line, column: "CustomerID")
            }
            if itemLatin1 && builder.itemCount > items {
                text.recordLatin1ID(stockCode, isUser: false, file: file, line: row.line, column: "StockCode")
            }
            let index = Int(item)
            if index >= named.count { named.append(contentsOf: repeatElement(false, count: index + 1 - named.count)) }
            if !named[index] {
                if !description.isEmpty {
                    builder.setName(try text.name(description, column: "Description"), forItemAt: item)
                    named[index] = true
                }
            }
            return .used
        }
        return try context.finish(&builder, text: text, purchases: file)
    }

    /// "12346.0" / "12346.00" → "12346"; anything else unchanged.
    static func normalizedCustomerID(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let dot = bytes.firstIndex(of: 0x2E), dot > 0 else { return bytes }
        guard bytes[dot + 1..<bytes.count].allSatisfy({ $0 == 0x30 }) else { return bytes }
        guard bytes[0..<dot].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return bytes }
        return UnsafeRawBufferPointer(rebasing: bytes[0..<dot])
    }
}
