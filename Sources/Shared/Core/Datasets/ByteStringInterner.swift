#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Numbers byte strings densely in order of first appearance, without making a Swift `String` per lookup.
///
/// The ingest hot path sees every user and item id once per purchase row (tens of millions of rows), so ids
/// are hashed straight from the CSV reader's bytes and kept in one byte arena; `String`s are made once per
/// distinct id, when the graph is built. Open addressing with linear probing over a power-of-two table of 16-byte
/// slots: `(hash high bits << 32) | (index + 1)`, and the id itself when it is at most 7 bytes long (``inline(_:)``),
/// so that a short id is found by reading its slot alone. At 10M users and 1M items the item table leaves the L3
/// cache; reading the id back from the arena cost two more cache misses per purchase row (46 % of a 10M-user
/// ingest's CPU, docs/benchmarks.md). Numeric ids are kept in a direct memo by value instead (``direct``), and the
/// table holds only the ids the memo does not cover.
struct ByteStringInterner: Sendable {
    private var arena: [UInt8] = []
    /// `ends[i]` is the arena offset one past id `i`; id `i` starts at `ends[i - 1]` (or 0).
    private var ends: [Int] = []
    /// Two words per slot: ``inline(_:)`` of the id, then `(hash high bits << 32) | (index + 1)` (0: empty). Holds the
    /// ids that are not in ``direct``.
    private var slots: [UInt64] = Array(repeating: 0, count: 2 * 1024)
    /// How many ids ``slots`` holds.
    private var tableCount = 0
    /// The slot count the table takes when it receives its first id (``init(capacity:)``).
    private var reservedSlotCount = 1024
    /// Slot count − 1 (a power of two minus one).
    private var mask = 1023
    /// The last id interned or found: purchase files are usually grouped by user, so the same user id
    /// arrives many rows in a row and is recognised without hashing.
    private var lastIndex = -1
    /// Index + 1 (0: not seen) of each id that is a canonical decimal number (``decimalValue(_:)``), by its value:
    /// the home of numeric ids: 4 bytes per value, against the table's 32–64 bytes per id (16-byte slots, at most half
    /// full), so at 10M users the 1M items' array stays in the L3 cache where the table does not, and the 10M users'
    /// ids, which arrive in order, are added without a random probe into a 512 MB table and its rehashes. Grown to
    /// cover values up to ``directLimit(_:)``; larger values, and other ids, go to the table. An id that went to the
    /// table while its value was beyond the limit stays there (and is memoised here once found again), so a value
    /// the memo does not know is looked up in the table before it is added.
    private var direct: [UInt32] = []

    var count: Int { ends.count }

    init() {}

    /// An interner with room for `capacity` ids before its table grows. The table is sized for them when it first
    /// receives an id: numeric ids never reach it (``direct``), and a table sized for the 10M ids of a labels file
    /// is 512 MB.
    init(capacity: Int) {
        var slotCount = 1024
        while slotCount < 2 * capacity { slotCount *= 2 }
        reservedSlotCount = slotCount
        ends.reserveCapacity(capacity)
    }

    /// An id of at most 7 bytes as one word: its bytes (little-endian) and its length in the top byte, so that two
    /// such words are equal exactly when the ids are. A longer id gives `UInt64.max` (a length byte of 255), which
    /// the word of no short id equals: those ids are compared in the arena.
    @inline(__always)
    static func inline(_ key: UnsafeRawBufferPointer) -> UInt64 {
        let n = key.count
        guard n <= 7 else { return .max }
        var word = UInt64(n) << 56
        var i = 0
        while i < n {
            word |= UInt64(key[i]) << (UInt64(i) &* 8)
            i &+= 1  // i < n ≤ 7
        }
        return word
    }

    /// Whether id `index` (any `Int`) is interned and has the bytes `key`.
    @inline(__always)
    func has(_ index: Int, bytes key: UnsafeRawBufferPointer) -> Bool {
        index >= 0 && index < ends.count && equals(index, key)
    }

    /// The index of `key`, assigning the next one if it is new.
    @inline(__always)
    mutating func intern(_ key: UnsafeRawBufferPointer) -> UInt32 {
        // `lastIndex` is -1 or an index handed out, so below `ends.count`; indices fit in 32 bits (`probe`).
        // A numeric id is looked up in the memo first: one load, where the last id's check reads its offset and
        // bytes, which for ids that change every row (items) are two cache misses.
        let value = Self.decimalValue(key)
        if value >= 0 && value < direct.count {
            let memo = direct.withUnsafeBufferPointer { $0[value] }  // 0 ≤ value < direct.count
            if memo != 0 { return memo &- 1 }
        } else if lastIndex >= 0 && equals(lastIndex, key) {
            return UInt32(truncatingIfNeeded: lastIndex)
        }
        let limit = Self.directLimit(count &+ 1)
        guard value >= 0 && value < limit else { return internInTable(key) }
        let index: UInt32
        if tableCount > 0, let found = lookupInTable(key) {
            index = found
        } else {
            index = UInt32(truncatingIfNeeded: append(key))
        }
        lastIndex = Int(index)
        if value >= direct.count {
            let size = min(limit, max(value + 1, 2 * direct.count))
            direct.append(contentsOf: repeatElement(0, count: size - direct.count))
        }
        direct[value] = index &+ 1
        return index
    }

    /// Gives `key` the next index and stores its bytes (not in the table, nor in the memo).
    @inline(__always)
    private mutating func append(_ key: UnsafeRawBufferPointer) -> Int {
        let index = ends.count
        // A slot holds index + 1 in 32 bits: the 2³²−1st distinct id would not fit.
        precondition(index < Int(UInt32.max), "more than 2³² − 2 distinct ids")
        arena.append(contentsOf: key)
        ends.append(arena.count)
        return index
    }

    /// The largest values (exclusive) the direct memo covers with `count` ids interned: 2²⁰ at least, else eight
    /// per id, at most 2²⁶ (256 MB): numeric ids far sparser than that (SKUs of 9 digits for a few items) stay in
    /// the table.
    @inline(__always)
    private static func directLimit(_ count: Int) -> Int { min(1 << 26, max(1 << 20, 8 &* count)) }

    /// The value of `key` when it is a canonical decimal number of at most 9 digits ("0", "7", "123", not "07",
    /// "+7" or "7.0"): two different byte strings never have the same such value. -1 otherwise.
    @inline(__always)
    static func decimalValue(_ key: UnsafeRawBufferPointer) -> Int {
        let n = key.count
        guard n >= 1 && n <= 9 else { return -1 }
        if n > 1 && key[0] == 0x30 { return -1 }
        var value = 0, i = 0
        while i < n {
            let digit = Int(key[i]) &- 0x30
            guard digit >= 0 && digit <= 9 else { return -1 }
            value = value &* 10 &+ digit
            i &+= 1  // i < n ≤ 9
        }
        return value
    }

    /// The table's part of ``intern(_:)``.
    @inline(__always)
    private mutating func internInTable(_ key: UnsafeRawBufferPointer) -> UInt32 {
        if tableCount == 0 && reservedSlotCount > mask + 1 {
            slots = Array(repeating: 0, count: 2 * reservedSlotCount)
            mask = reservedSlotCount - 1
        }
        let hash = Self.hash(key), word = Self.inline(key)
        let (slot, found) = probe(key, hash: hash, inline: word)
        if found >= 0 {
            lastIndex = found
            return UInt32(truncatingIfNeeded: found)
        }
        let index = append(key)
        lastIndex = index
        slots[2 &* slot] = word
        slots[2 &* slot &+ 1] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(index &+ 1)
        tableCount &+= 1
        if tableCount * 4 > slots.count { grow() }
        return UInt32(truncatingIfNeeded: index)
    }

    /// The index of `key` if it was interned.
    func lookup(_ key: UnsafeRawBufferPointer) -> UInt32? {
        let value = Self.decimalValue(key)
        if value >= 0 && value < direct.count {
            let memo = direct.withUnsafeBufferPointer { $0[value] }  // 0 ≤ value < direct.count
            if memo != 0 { return memo &- 1 }
        }
        return tableCount > 0 ? lookupInTable(key) : nil
    }

    /// The index of `key` if the table holds it.
    @inline(__always)
    private func lookupInTable(_ key: UnsafeRawBufferPointer) -> UInt32? {
        let (_, found) = probe(key, hash: Self.hash(key), inline: Self.inline(key))
        return found >= 0 ? UInt32(truncatingIfNeeded: found) : nil
    }

    /// Linear probing from `hash`: the slot holding `key` and its index, or the empty slot where it would go and -1.
    /// A short id (`inline` is not `.max`) is compared by its slot's first word alone.
    @inline(__always)
    private func probe(_ key: UnsafeRawBufferPointer, hash: UInt64, inline: UInt64) -> (slot: Int, index: Int) {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        return slots.withUnsafeBufferPointer { slots in
            // `mask` is the slot count − 1 (a power of two) and `slots` holds two words per slot, so `2 · (x & mask)`
            // and the word after it are in range; the table is at most half full, so the loop meets an empty slot.
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = slots[2 &* slot &+ 1]
                if entry == 0 { return (slot, -1) }
                if entry & 0xFFFF_FFFF_0000_0000 == tag {
                    // Non-empty slots hold index + 1 ≥ 1 in their low half, so this is ≥ 0 and cannot overflow.
                    let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) &- 1
                    if inline != .max {
                        if slots[2 &* slot] == inline { return (slot, index) }
                    } else if equals(index, key) {
                        return (slot, index)
                    }
                }
                slot = (slot &+ 1) & mask
            }
        }
    }

    mutating func intern(_ key: String) -> UInt32 {
        var key = key
        return key.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    func lookup(_ key: String) -> UInt32? {
        var key = key
        return key.withUTF8 { lookup(UnsafeRawBufferPointer($0)) }
    }

    /// Id `index` as a `String`: its bytes as UTF-8, or as Latin-1 when they are not valid UTF-8 (ingest refuses
    /// such ids unless ``InvalidUTF8Policy/latin1`` allows them), so that no byte is ever replaced.
    func string(at index: Int) -> String {
        withBytes(at: index) { bytes in
            IngestText.isASCII(bytes) || IngestText.isValidUTF8(bytes)
                ? String(decoding: bytes, as: UTF8.self) : IngestText.latin1(bytes)
        }
    }

    /// Calls `body` with the bytes of id `index`.
    func withBytes<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = index == 0 ? 0 : ends[index - 1]
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<ends[index]])) }
    }

    /// All ids, in index order.
    func strings() -> [String] {
        var result: [String] = []
        result.reserveCapacity(count)
        for i in 0..<count { result.append(string(at: i)) }
        return result
    }

    /// Whether id `index` (< `count`) has the bytes `key`.
    @inline(__always)
    private func equals(_ index: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        ends.withUnsafeBufferPointer { ends in
            // `index` is an index handed out (0 ..< ends.count), so `index - 1` and `index` are in range, and the
            // ids' offsets lie within the arena by construction.
            let start = index == 0 ? 0 : ends[index &- 1]
            let length = ends[index] &- start
            guard length == key.count else { return false }
            if length == 0 { return true }
            return arena.withUnsafeBytes { bytes in
                let a = bytes.baseAddress.unsafelyUnwrapped + start, b = key.baseAddress.unsafelyUnwrapped
                if length <= 16 {  // ids are short: compare inline rather than paying for a libc call
                    var i = 0
                    while i < length {
                        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) {
                            return false
                        }
                        i &+= 1  // i < length ≤ 16
                    }
                    return true
                }
                return memcmp(a, b, length) == 0
            }
        }
    }

    /// Doubles the table, placing again the ids it holds (not those only in the memo).
    private mutating func grow() {
        let newCount = 2 * (mask + 1)
        var newSlots = [UInt64](repeating: 0, count: 2 * newCount)
        let newMask = newCount - 1
        arena.withUnsafeBytes { bytes in
            for oldSlot in 0...mask where slots[2 * oldSlot + 1] != 0 {
                let index = Int(slots[2 * oldSlot + 1] & 0xFFFF_FFFF) - 1
                let start = index == 0 ? 0 : ends[index - 1]
                let key = UnsafeRawBufferPointer(rebasing: bytes[start..<ends[index]])
                let hash = Self.hash(key)
                var slot = Int(truncatingIfNeeded: hash) & newMask
                while newSlots[2 * slot + 1] != 0 { slot = (slot + 1) & newMask }
                newSlots[2 * slot] = Self.inline(key)
                newSlots[2 * slot + 1] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
            }
        }
        slots = newSlots
        mask = newMask
    }

    /// A fast 64-bit hash of short keys: 8 bytes at a time through a multiply–xorshift mix, then a final
    /// avalanche (murmur3's fmix64). Not keyed: the inputs are the operator's own files.
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var i = 0
        let n = key.count
        // i ≤ n throughout, so i + 8 cannot overflow.
        while i &+ 8 <= n {
            let word = key.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i &+= 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(key[i]) << shift
                // At most 7 tail bytes: shift stays below 64 and i below n.
                shift &+= 8
                i &+= 1
            }
            h = (h ^ tail) &* 0xFF51_AFD7_ED55_8CCD
        }
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
