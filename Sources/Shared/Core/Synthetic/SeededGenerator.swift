import Foundation

/// A small, fast, seedable pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// Everything in gplr that must be reproducible from a seed (the synthetic data generator, DU sampling's
/// first round, tests) draws from this type rather than `SystemRandomNumberGenerator`: the same seed gives
/// the same sequence on every platform and Swift version, which the standard library does not promise.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Seeds the four words of state from `seed` with SplitMix64, as the xoshiro authors recommend, so nearby
    /// seeds still give unrelated streams.
    public init(seed: UInt64) {
        var splitMix = SamplingRandom(seed: seed)
        s0 = splitMix.next()
        s1 = splitMix.next()
        s2 = splitMix.next()
        s3 = splitMix.next()
    }

    /// The next 64 random bits (xoshiro256**).
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @usableFromInline
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0 ..< bound`, `bound` positive. Bounds that fit in 32 bits use Lemire's
    /// multiply-shift on 32 random bits (bias below 2⁻³², one draw); larger ones fall back to the standard
    /// library's unbiased method.
    @inlinable
    public mutating func nextIndex(below bound: Int) -> Int {
        if bound <= Int(UInt32.max) {
            return Int((UInt64(UInt32(truncatingIfNeeded: next() >> 32)) &* UInt64(bound)) >> 32)
        }
        return Int.random(in: 0..<bound, using: &self)
    }

    /// A standard normal deviate (Box–Muller, one of the pair).
    public mutating func nextStandardNormal() -> Double {
        var u = nextUnitDouble()
        while u <= 0 { u = nextUnitDouble() }
        let v = nextUnitDouble()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }
}
