/// An open-addressing hash map from `Int` keys to `UInt32` values (Instacart's order id → user), much
/// lighter than `Dictionary` for millions of entries looked up tens of millions of times.
struct IntegerKeyTable {
    private var keys: [Int]
    private var values: [UInt32]
    private var occupied: [Bool]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        occupied = Array(repeating: false, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: Int, _ mask: Int) -> Int {
        var h = UInt64(bitPattern: Int64(key)) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return Int(truncatingIfNeeded: h) & mask
    }

    subscript(key: Int) -> UInt32? {
        get {
            var s = Self.slot(key, mask)
            while occupied[s] {
                if keys[s] == key { return values[s] }
                s = (s + 1) & mask
            }
            return nil
        }
        set {
            guard let newValue else { preconditionFailure("removal is not supported") }
            var s = Self.slot(key, mask)
            while occupied[s] {
                if keys[s] == key {
                    values[s] = newValue
                    return
                }
                s = (s + 1) & mask
            }
            keys[s] = key
            values[s] = newValue
            occupied[s] = true
            count += 1
            if count * 2 > keys.count { grow() }
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values, oldOccupied = occupied
        let size = keys.count * 2
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        occupied = Array(repeating: false, count: size)
        mask = size - 1
        for s in 0..<oldKeys.count where oldOccupied[s] {
            var t = Self.slot(oldKeys[s], mask)
            while occupied[t] { t = (t + 1) & mask }
            keys[t] = oldKeys[s]
            values[t] = oldValues[s]
            occupied[t] = true
        }
    }
}
