extension IngestContext {
    /// Reads an item names file (`idColumn`, `nameColumn`) into `builder`: each row names the item whose id it
    /// holds; `what` is what the id is called in messages ("item id", "product id").
    mutating func readItemNames(
        _ path: String, idColumn: String, nameColumn: String, what: String, text: inout IngestText,
        into builder: inout GraphBuilder
    ) throws {
        try readCSV(path, columns: [idColumn, nameColumn], requiredCount: 2) { row, columns in
            let id = try text.text(row[columns[0]], column: idColumn, what: what)
            guard !id.isEmpty else { throw BadRow("empty \(what)", column: idColumn) }
            builder.setName(try text.name(row[columns[1]], column: nameColumn), forItem: id)
            return .used
        }
    }

    /// How every format reader ends: keeps `text`'s counts for the report, applies its Latin-1 check to the ids
    /// and builds the graph (`purchases` names the file a count overflow is blamed on).
    /// The builder is spent (its arrays become the graph's).
    mutating func finish(_ builder: inout GraphBuilder, text: IngestText, purchases: String) throws -> PurchaseGraph {
        self.text = text
        try text.checkLatin1IDs(builder)
        return try Self.build(&builder, purchases: purchases)
    }
}
