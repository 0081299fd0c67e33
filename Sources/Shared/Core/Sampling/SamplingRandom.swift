/// A small seeded generator (SplitMix64) for the algorithms' own reproducible randomness: synthetic test graphs
/// and benchmark labels. Same seed, same sequence, on every platform. Not cryptographic.
///
/// The package's one SplitMix64: ``SeededGenerator`` seeds from it and the LLM simulator's `SimulatorRandom`
/// draws from it.
package struct SamplingRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    /// A generator for sub-stream `stream` of `seed`, independent of how many values other streams drew.
    package init(seed: UInt64, stream: UInt64) {
        var mixer = SamplingRandom(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        state = mixer.next()
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    package mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
