import Foundation

/// Walker's alias method: O(1) draws from a fixed discrete distribution (persona popularity, item
/// popularity within a persona's pool) after O(n) set-up.
struct AliasTable: Sendable {
    private let probability: [Double]
    private let alias: [UInt32]

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
        self.probability = probability
        self.alias = alias
    }

    var count: Int { probability.count }

    @inline(__always)
    func sample(using generator: inout SeededGenerator) -> Int {
        let i = generator.nextIndex(below: probability.count)
        return generator.nextUnitDouble() < probability[i] ? i : Int(alias[i])
    }

    /// Zipf weights 1/(rank+1)^exponent for `count` ranks.
    static func zipf(count: Int, exponent: Double) -> AliasTable {
        AliasTable(weights: (0..<count).map { 1 / pow(Double($0 + 1), exponent) })
    }
}
