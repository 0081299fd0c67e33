import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct DatasetInternerTests {
    /// What the interner must do, with a Dictionary: number keys by first appearance.
    struct FirstAppearance {
        var index: [String: Int] = [:]
        var order: [String] = []

        mutating func number(_ key: String) -> Int {
            if let known = index[key] { return known }
            index[key] = order.count
            order.append(key)
            return order.count - 1
        }
    }

    /// The interner agrees with a Dictionary that numbers keys by first appearance, through many table growths, and
    /// made with a capacity (its table sized at the first id that is not numeric, after numeric ones).
    @Test(arguments: [nil, 5000]) func numbersKeysLikeADictionary(capacity: Int?) {
        var rng = SeededGenerator(seed: 99)
        var interner = capacity.map { ByteStringInterner(capacity: $0) } ?? ByteStringInterner()
        var reference = FirstAppearance()
        for key in ["17", "3"] { #expect(Int(interner.intern(key)) == reference.number(key)) }
        for _ in 0..<20_000 {
            let length = rng.nextIndex(below: 24)
            let key = String((0..<length).map { _ in Character(Unicode.Scalar(UInt8(97 + rng.nextIndex(below: 3)))) })
            #expect(Int(interner.intern(key)) == reference.number(key))
        }
        #expect(interner.count == reference.order.count)
        #expect(interner.strings() == reference.order)
        for (key, index) in reference.index { #expect(interner.lookup(key) == UInt32(index)) }
        #expect(interner.lookup("not-there-at-all") == nil)
    }

    /// Ids kept whole in their slot (up to 7 bytes) and longer ones compared in the arena: ids that differ only by
    /// trailing zero bytes, by one byte at either end, or across the 7/8-byte boundary stay apart.
    @Test func shortAndLongIdsThatLookAlikeStayApart() {
        let keys = [
            "", "\u{0}", "\u{0}\u{0}", "a", "a\u{0}", "a\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}",
            "a\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}",
            "1000000", "10000000", "1000000\u{0}", "0000001", "100000", "ÿÿÿÿÿÿÿ", "ÿÿÿ", "ÿÿÿ\u{0}",
            "12345678", "123456789", "12345679",
        ]
        var interner = ByteStringInterner()
        for (index, key) in keys.enumerated() { #expect(interner.intern(key) == UInt32(index), "\(Array(key.utf8))") }
        for (index, key) in keys.enumerated() { #expect(interner.lookup(key) == UInt32(index), "\(Array(key.utf8))") }
        #expect(interner.count == keys.count)
        #expect(interner.strings() == keys)
        #expect(interner.lookup("a\u{0}\u{0}") == nil && interner.lookup("1234567") == nil)
    }

    /// Numeric ids are remembered by value in front of the table: only canonical decimals ("7", not "07", "+7" or
    /// "7 ") share that memo, so every other spelling stays its own id.
    @Test func decimalValuesAreCanonicalOnly() {
        func value(_ text: String) -> Int { Array(text.utf8).withUnsafeBytes { ByteStringInterner.decimalValue($0) } }
        #expect(value("0") == 0 && value("7") == 7 && value("123456789") == 123_456_789)
        for other in ["", "07", "00", "+7", "-7", "7 ", " 7", "7.0", "1234567890", "12a", "٣"] {
            #expect(value(other) == -1, "\(other)")
        }
    }

    /// The memo agrees with a Dictionary numbering keys by first appearance, whatever mix of numeric spellings,
    /// other ids, values too sparse for the memo (interned before it covers them, and found again after it grew
    /// to), and lookups without it.
    @Test func numericIdsKeepTheirIndexThroughTheMemo() {
        var rng = SeededGenerator(seed: 3)
        var interner = ByteStringInterner()
        var reference = FirstAppearance()
        func intern(_ key: String) { #expect(Int(interner.intern(key)) == reference.number(key), "\(key)") }
        // Past the memo's first limit (2²⁰) while only a few ids are known, so the table alone holds them.
        for key in ["2000000", "02000000", "4", "x4"] { intern(key) }
        for _ in 0..<400_000 {
            let n = rng.nextIndex(below: 1_000_000)
            switch rng.nextIndex(below: 10) {
            case 0: intern("0\(n)")
            case 1: intern("n\(n)")
            default: intern(String(n))
            }
        }
        // The memo now covers 2,000,000 (eight values per id, over 250,000 ids): it still has its first index.
        for key in ["2000000", "02000000", "4", "x4"] { intern(key) }
        #expect(interner.count == reference.order.count && interner.strings() == reference.order)
        // Every id, whether the memo or the table holds it (the table grew past the memo's ids several times).
        let misplaced = reference.order.filter { interner.lookup($0) != reference.index[$0].map(UInt32.init) }
        #expect(misplaced.isEmpty, "\(misplaced.prefix(5))")
    }

    @Test func byteAndStringPathsBuildTheSameGraph() throws {
        var rng = SeededGenerator(seed: 5)
        var bytes = GraphBuilder(), strings = GraphBuilder()
        for _ in 0..<2000 {
            let user = "user-\(rng.nextIndex(below: 50))", item = "item \(rng.nextIndex(below: 80)) ü"
            let count = UInt32(1 + rng.nextIndex(below: 3))
            strings.addPurchase(user: user, item: item, count: count)
            Array(user.utf8).withUnsafeBytes { u in
                Array(item.utf8).withUnsafeBytes { i in _ = bytes.addPurchase(userBytes: u, itemBytes: i, count: count)
                }
            }
        }
        strings.setName("first", forItem: "item 3 ü")
        bytes.setName("first", forItem: "item 3 ü")
        #expect(try bytes.build() == strings.build())
    }
}
