extension RevAffResiduals {
    /// The binary form's first bytes.
    static let magic = Array("GPLRRES1".utf8)

    /// The binary form (little-endian): magic `GPLRRES1`, persona count (UInt32), then per persona its index and
    /// hop count (UInt32 each), and per hop its residual count (UInt32) followed by that many node indices
    /// (UInt32 each) and values (Float64 bit patterns). Values keep every bit, so a decoded carry continues a
    /// persona's pushes exactly as the process that encoded it would have.
    public func encoded() -> [UInt8] {
        var writer = LittleEndianWriter()
        writer.bytes.reserveCapacity(12 + 8 * personas.count + 12 * count)
        writer.append(contentsOf: Self.magic)
        writer.append(UInt32(personas.count))
        for (persona, personaHops) in zip(personas, hops) {
            writer.append(UInt32(persona))
            writer.append(UInt32(personaHops.count))
            for hop in personaHops {
                writer.append(UInt32(hop.nodes.count))
                for node in hop.nodes { writer.append(node) }
                for value in hop.values { writer.append(value.bitPattern) }
            }
        }
        return writer.bytes
    }

    /// Reads ``encoded()``'s form, checking its structure: ascending personas and nodes, values finite and > 0,
    /// nothing missing or left over. (Nodes are checked against a graph when a push uses them.)
    /// - Throws: ``AlgorithmError/Code/shardMismatch``, naming what is wrong and where.
    public init(decoding bytes: [UInt8]) throws {
        func fail(_ message: String) -> AlgorithmError {
            AlgorithmError(.shardMismatch, message, context: "RevAff residuals")
        }
        let (personas, hops) = try bytes.withUnsafeBytes { raw -> ([Int], [[Hop]]) in
            var reader = LittleEndianReader(raw)
            guard reader.read(count: Self.magic.count) == Self.magic else {
                throw fail("not RevAff residuals (no GPLRRES1 header)")
            }
            guard let personaCount = reader.read(UInt32.self) else { throw fail("truncated before the persona count") }
            var personas: [Int] = [], hops: [[Hop]] = []
            for index in 0..<Int(personaCount) {
                guard let persona = reader.read(UInt32.self).map(Int.init), let hopCount = reader.read(UInt32.self)
                else { throw fail("truncated in persona \(index) of \(personaCount)") }
                if let previous = personas.last, previous >= persona {
                    throw fail("persona \(persona) follows persona \(previous): not ascending")
                }
                var personaHops: [Hop] = []
                for hopIndex in 0..<Int(hopCount) {
                    guard let entries = reader.read(UInt32.self).map(Int.init),
                        raw.count - reader.position >= 12 * entries
                    else { throw fail("truncated in hop \(hopIndex) of persona \(persona)") }
                    var hop = Hop()
                    hop.nodes = (0..<entries).map { _ in reader.read(UInt32.self)! }
                    hop.values = (0..<entries).map { _ in Double(bitPattern: reader.read(UInt64.self)!) }
                    if let bad = zip(hop.nodes, hop.nodes.dropFirst()).first(where: { $0 >= $1 }) {
                        throw fail("hop \(hopIndex) of persona \(persona): node \(bad.1) follows node \(bad.0)")
                    }
                    if let bad = hop.values.first(where: { !($0.isFinite && $0 > 0) }) {
                        throw fail("hop \(hopIndex) of persona \(persona) holds the residual \(bad)")
                    }
                    personaHops.append(hop)
                }
                personas.append(persona)
                hops.append(personaHops)
            }
            guard reader.position == raw.count else {
                throw fail("\(raw.count - reader.position) bytes after the last persona")
            }
            return (personas, hops)
        }
        self.init(personas: personas, hops: hops)
    }
}
