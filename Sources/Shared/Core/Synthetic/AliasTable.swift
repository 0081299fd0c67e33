import Foundation

/// Walker's alias method: O(1) draws from a fixed discrete distribution (persona popularity, item
/// popularity within a persona's pool) after O(n) set-up.
struct AliasTable: Sendable {
    /// One slot per outcome, its probability and alias side by side: a draw reads one cache line, not two (at 10M
    /// users a pool's table holds 800 KB, and a draw lands at a random slot of it).
    private struct Slot {
        var probability: Double
        var alias: UInt32
    }
    private let slots: [Slot]

    /// `weights` must be non-negative with a positive sum.
    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        var probability = [Double](repeating: 1, count: n)
        var alias = [UInt32](repeating: 0, count: n)
        var small: [Int] = [], large: [Int] = []
        for i in 0..<n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast(), let l = large.last {
            probability[s] = scaled[s]
            alias[s] = UInt32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        for i in small + large { probability[i] = 1 }  // leftovers are 1 up to rounding
        slots = (0..<n).map { Slot(probability: probability[$0], alias: alias[$0]) }
    }

    var count: Int { slots.count }

    @inline(__always)
    func sample(using generator: inout SeededGenerator) -> Int {
        let i = generator.nextIndex(below: slots.count)
        let slot = slots[i]
        return generator.nextUnitDouble() < slot.probability ? i : Int(slot.alias)
    }

    /// Zipf weights 1/(rank+1)^exponent for `count` ranks.
    static func zipf(count: Int, exponent: Double) -> AliasTable {
        AliasTable(weights: (0..<count).map { 1 / pow(Double($0 + 1), exponent) })
    }
}
