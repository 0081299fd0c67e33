extension IngestText {
    /// Refuses a Latin-1 id of the graph whose text is also the (UTF-8) id of another user or item: `E9` read as
    /// Latin-1 is "é", the same text as the UTF-8 id `C3 A9`, and the two would become one id in the snapshot.
    func checkLatin1IDs(_ builder: GraphBuilder) throws(DatasetError) {
        for id in latin1IDs {
            let (present, text) = id.bytes.withUnsafeBytes { bytes in
                (
                    id.isUser ? builder.existingUserIndex(forBytes: bytes) : builder.existingItemIndex(forBytes: bytes),
                    Self.latin1(bytes)
                )
            }
            guard present != nil else { continue }
            let clash = id.isUser ? builder.existingUserIndex(text) : builder.existingItemIndex(text)
            guard clash != nil else { continue }
            let what = id.isUser ? "user id" : "item id"
            let hex = id.bytes.withUnsafeBytes { Self.hex($0) }
            throw DatasetError(
                .conflictingRows,
                "the \(what) '\(text.prefix(80))' read as Latin-1 (bytes \(hex)) is also the UTF-8 \(what) "
                    + "'\(text.prefix(80))' of other rows: the two would become one; the file mixes encodings",
                file: id.file, line: id.line, column: id.column)
        }
    }
}
