import Foundation
import GPLRCore
import GPLRSupport

/// SplitMix64 (GPLRCore's ``SamplingRandom``): small, fast, seedable; enough for reproducible simulation.
struct SimulatorRandom: RandomNumberGenerator {
    private var base: SamplingRandom

    init(seed: UInt64) { base = SamplingRandom(seed: seed) }

    /// A generator for `key` under `seed`, independent of any other key.
    init(seed: UInt64, key: String) {
        self.init(seed: seed ^ FNV1a.hash(key))
        _ = next()
    }

    mutating func next() -> UInt64 { base.next() }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func unit() -> Double { base.nextUnit() }

    /// A log-normal draw with the given mean and σ.
    mutating func logNormal(mean: Double, sigma: Double) -> Double {
        guard mean > 0 else { return 0 }
        let mu = log(mean) - sigma * sigma / 2
        let u1 = max(unit(), .leastNonzeroMagnitude)
        let z = (-2 * log(u1)).squareRoot() * cos(2 * .pi * unit())
        return exp(mu + sigma * z)
    }
}
