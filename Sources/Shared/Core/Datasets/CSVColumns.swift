/// Where the columns a format reader asked for sit in a CSV file's header: position `k` of the `k`-th asked
/// column, or -1 for an absent optional one.
///
/// A plain value of at most ``capacity`` positions held inline (no array), so that handing it to the callback of
/// every row costs no reference counting (an `[Int]` read from the reader's state was retained and released per
/// row: 8 % of an ingest's time in `perf`).
struct CSVColumns {
    /// The most columns a reader may ask for (the formats ask for 2 to 5).
    static let capacity = 8

    let count: Int
    private var positions: (Int, Int, Int, Int, Int, Int, Int, Int) = (-1, -1, -1, -1, -1, -1, -1, -1)

    /// - Precondition: `positions.count` ≤ ``capacity`` (the formats' own column lists).
    init(_ positions: [Int]) {
        precondition(positions.count <= Self.capacity, "at most \(Self.capacity) columns")
        count = positions.count
        withUnsafeMutableBytes(of: &self.positions) { bytes in
            for (k, position) in positions.enumerated() {
                bytes.storeBytes(of: position, toByteOffset: k * 8, as: Int.self)
            }
        }
    }

    /// The position of the `k`-th asked column (-1 when it is absent).
    @inline(__always)
    subscript(k: Int) -> Int {
        precondition(k >= 0 && k < count, "column \(k) of \(count)")
        return withUnsafeBytes(of: positions) { $0.load(fromByteOffset: k &* 8, as: Int.self) }
    }
}
