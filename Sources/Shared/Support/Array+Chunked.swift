extension Array {
    /// Consecutive slices of at most `size` elements (at least 1), in order; none for an empty array.
    public func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
