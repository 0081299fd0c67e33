import Foundation

/// SplitMix64: small, fast, seedable; enough for reproducible simulation.
struct SimulatorRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator for `key` under `seed`, independent of any other key.
    init(seed: UInt64, key: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        self.init(seed: seed ^ hash)
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A log-normal draw with the given mean and σ.
    mutating func logNormal(mean: Double, sigma: Double) -> Double {
        guard mean > 0 else { return 0 }
        let mu = log(mean) - sigma * sigma / 2
        let u1 = max(unit(), .leastNonzeroMagnitude)
        let z = (-2 * log(u1)).squareRoot() * cos(2 * .pi * unit())
        return exp(mu + sigma * z)
    }
}
