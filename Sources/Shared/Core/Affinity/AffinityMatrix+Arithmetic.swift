extension AffinityMatrix {
    /// Adds `other` (the same users and persona columns) into this matrix: how an iteration's new prototypes'
    /// Π·L_raw joins the running Ψ_raw (Ψ_raw is linear in L_raw, DESIGN §3).
    /// - Throws: ``AlgorithmError/Code/shardMismatch`` when the shapes differ.
    public mutating func add(_ other: AffinityMatrix, threadCount: Int? = nil) throws {
        guard other.userCount == userCount, other.personaCount == personaCount, other.personas == personas else {
            throw AlgorithmError(
                .shardMismatch,
                "cannot add \(other.userCount) users × personas \(other.personas) to \(userCount) users × \(personas)",
                context: "AffinityMatrix.add")
        }
        let count = values.count, blockSize = 1 << 16
        let threads = threadCount ?? ParallelLoop.defaultThreadCount
        other.values.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                let s = source.baseAddress!, t = target.baseAddress!
                ParallelLoop.run(chunks: (count + blockSize - 1) / blockSize, threads: threads) { block in
                    for index in block * blockSize..<min(count, (block + 1) * blockSize) { t[index] += s[index] }
                }
            }
        }
    }

    /// Multiplies every held column by its persona's coefficient (`coefficients[persona]`, one per persona of R):
    /// Ψ = Ψ_raw · diag(c) when given the de-bias coefficients c_r of Eq. (3).
    /// - Throws: ``AlgorithmError/Code/shardMismatch`` when `coefficients` is not one per persona.
    public mutating func scaleColumns(by coefficients: [Double], threadCount: Int? = nil)
        throws
    {
        guard coefficients.count == personaCount else {
            throw AlgorithmError(
                .shardMismatch, "\(coefficients.count) coefficients for \(personaCount) personas",
                context: "AffinityMatrix.scaleColumns")
        }
        let width = personas.count, users = userCount, blockSize = 8192
        let threads = threadCount ?? ParallelLoop.defaultThreadCount
        guard width > 0 else { return }
        let scale = personas.map { coefficients[$0] }
        values.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            ParallelLoop.run(chunks: (users + blockSize - 1) / blockSize, threads: threads) { block in
                for user in block * blockSize..<min(users, (block + 1) * blockSize) {
                    let row = base + user * width
                    for column in 0..<width { row[column] *= scale[column] }
                }
            }
        }
    }
}
