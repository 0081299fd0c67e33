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

    /// Adds the columns `shard` holds (a persona shard of the same users and persona set) into the same personas'
    /// columns of this matrix, which must hold them all: how the coordinator adds each `affinity` job's result to
    /// its running Ψ_raw as it arrives, never holding the iteration's shards together (the same sums as adding the
    /// assembled shards, to the last bit: each entry gets one addition).
    /// - Throws: ``AlgorithmError/Code/shardMismatch`` when the users or persona sets differ, or a persona of
    ///   `shard` is not held here.
    public mutating func add(columnsOf shard: AffinityMatrix, threadCount: Int? = nil) throws {
        let targets = shard.personas.map { column(ofPersona: $0) }
        guard shard.userCount == userCount, shard.personaCount == personaCount, !targets.contains(nil) else {
            throw AlgorithmError(
                .shardMismatch,
                "cannot add \(shard.userCount) users × personas \(shard.personas) to \(userCount) users × \(personas)",
                context: "AffinityMatrix.add(columnsOf:)")
        }
        let columns = targets.map { $0! }, width = columnCount, shardWidth = shard.columnCount
        let users = userCount, blockSize = 8192
        let threads = threadCount ?? ParallelLoop.defaultThreadCount
        shard.values.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                columns.withUnsafeBufferPointer { columnOf in
                    guard let s = source.baseAddress, let t = target.baseAddress else { return }
                    ParallelLoop.run(chunks: (users + blockSize - 1) / blockSize, threads: threads) { block in
                        for user in block * blockSize..<min(users, (block + 1) * blockSize) {
                            let row = t + user * width, shardRow = s + user * shardWidth
                            for index in 0..<shardWidth { row[columnOf[index]] += shardRow[index] }
                        }
                    }
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
