extension AffinityMatrix {
    /// Builds one matrix from disjoint persona shards (e.g. the results of affinity jobs), columns ascending.
    ///
    /// The shards need not cover every persona; check ``isComplete`` when the whole Ψ is required.
    /// - Throws: ``AlgorithmError/Code/shardMismatch`` when shards disagree on users or persona count, or
    ///   two shards hold the same persona.
    public static func assembled(from shards: [AffinityMatrix]) throws -> AffinityMatrix {
        guard let first = shards.first else {
            throw AlgorithmError(.shardMismatch, "no shards to assemble", context: "AffinityMatrix.assembled")
        }
        var owner = [Int](repeating: -1, count: first.personaCount)
        for (index, shard) in shards.enumerated() {
            guard shard.userCount == first.userCount, shard.personaCount == first.personaCount else {
                throw AlgorithmError(
                    .shardMismatch,
                    "shard \(index) is \(shard.userCount) users × \(shard.personaCount) personas, "
                        + "shard 0 is \(first.userCount) × \(first.personaCount)",
                    context: "AffinityMatrix.assembled")
            }
            for persona in shard.personas {
                guard owner[persona] < 0 else {
                    throw AlgorithmError(
                        .shardMismatch, "persona \(persona) is in shards \(owner[persona]) and \(index)",
                        context: "AffinityMatrix.assembled")
                }
                owner[persona] = index
            }
        }
        let personas = (0..<first.personaCount).filter { owner[$0] >= 0 }
        let width = personas.count, userCount = first.userCount
        var values = [Double](repeating: 0, count: userCount * width)
        values.withUnsafeMutableBufferPointer { out in
            for (column, persona) in personas.enumerated() {
                let shard = shards[owner[persona]]
                let source = shard.columnOfPersona(persona), shardWidth = shard.columnCount
                shard.values.withUnsafeBufferPointer { v in
                    for u in 0..<userCount { out[u * width + column] = v[u * shardWidth + source] }
                }
            }
        }
        return AffinityMatrix(
            trustedUserCount: userCount, personaCount: first.personaCount, personas: personas, values: values)
    }

    fileprivate func columnOfPersona(_ persona: Int) -> Int { column(ofPersona: persona) ?? -1 }
}
