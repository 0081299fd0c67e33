/// The exact solver of DESIGN §3: Ψ = Π·L with Π = (1/ℓ̂) Σ_{ℓ=1..ℓ̂} (P·P')^ℓ, never materialising P·P'.
///
/// X ← L; ℓ̂ times: Y = P'·X (each item row = mean of its buyers' rows), X = P·Y (each user row = mean of its
/// items' rows), acc += X; Ψ = acc / ℓ̂. Cost O(ℓ̂·|E|·|R|). This is the reference every approximation is
/// tested against, and fast enough to be the production path for ℓ̂ = 1.
///
/// Persona columns are processed in blocks of a few SIMD lanes so an item-side block stays in cache; rows are
/// split into blocks of similar edge count and processed on `threadCount` threads. The first step only visits
/// labeled buyers (L is zero elsewhere). Nodes of degree 0 get affinity 0.
public struct ExactAffinity: Sendable {
    /// ℓ̂ ≥ 1.
    public var walkLength: Int
    /// Threads used for the row blocks (≥ 1).
    public var threadCount: Int
    /// Persona columns per block: 4, 8 or 16 (the SIMD width in Float64 lanes; other values round up, capped at
    /// 16). 8 (one cache line per item row) is fastest on the x86-64 machines measured.
    public var blockWidth: Int

    public init(walkLength: Int = 1, threadCount: Int? = nil, blockWidth: Int = 8) {
        self.walkLength = walkLength
        self.threadCount = threadCount ?? ParallelLoop.defaultThreadCount
        self.blockWidth = blockWidth
    }

    /// Ψ for `personas` (ascending or not, unique; every persona when `nil`), as a matrix holding those columns.
    /// - Throws: ``AlgorithmError`` for an invalid walk length, thread count or block width, a label matrix of
    ///   another graph, or bad persona indices.
    public func compute(graph: PurchaseGraph, labels: LabelMatrix, personas: [Int]? = nil) throws -> AffinityMatrix {
        guard walkLength >= 1 else {
            throw AlgorithmError(
                .invalidParameter, "walk length must be ≥ 1, got \(walkLength)", context: "ExactAffinity")
        }
        guard threadCount >= 1 else {
            throw AlgorithmError(
                .invalidParameter, "thread count must be ≥ 1, got \(threadCount)", context: "ExactAffinity")
        }
        guard labels.userCount == graph.userCount else {
            throw AlgorithmError(
                .shardMismatch, "label matrix has \(labels.userCount) users, graph has \(graph.userCount)",
                context: "ExactAffinity")
        }
        let columns = try validatedPersonas(personas, personaCount: labels.personaCount, context: "ExactAffinity")
        // Not zero-filled first: the plan's last pass writes every entry (every user row, every column), so the
        // matrix's pages are first touched there, on the kernel's threads, instead of by one thread beforehand
        // (1.6 GB at 10M users × 20 personas: seconds of page faults on one core).
        let count = graph.userCount * columns.count
        let values = [Double](unsafeUninitializedCapacity: count) { out, initialized in
            if count > 0 {
                let plan = ExactPlan(
                    graph: graph, labels: labels, columns: columns, walkLength: walkLength, threads: threadCount,
                    out: out.baseAddress!)
                switch blockWidth {
                case ...4: plan.run(SIMD4<Double>.self)
                case 5...8: plan.run(SIMD8<Double>.self)
                default: plan.run(SIMD16<Double>.self)
                }
            }
            initialized = count
        }
        return AffinityMatrix(
            trustedUserCount: graph.userCount, personaCount: labels.personaCount, personas: columns, values: values)
    }
}

extension ExactAffinity {
    /// Adds Ψ_raw of `labels` into `running` (a complete Ψ_raw of the same graph and persona set) in the solve's
    /// own last pass: how an iteration's new prototypes join the running Ψ_raw without a second users × personas
    /// matrix and a second pass over it. Equal to `running.add(compute(graph:labels:))` up to float rounding.
    /// - Throws: ``AlgorithmError`` as ``compute(graph:labels:personas:)``, or `shardMismatch` when `running` is
    ///   not complete or not of this graph and persona set.
    public func add(graph: PurchaseGraph, labels: LabelMatrix, into running: inout AffinityMatrix) throws {
        try add(graph: graph, labels: labels, into: &running, scratch: nil)
    }

    /// The same, with the kernel's slabs taken from `scratch` (kept by the caller from one addition to the next;
    /// `nil`: allocated for this addition alone).
    package func add(
        graph: PurchaseGraph, labels: LabelMatrix, into running: inout AffinityMatrix, scratch: ExactScratch?
    ) throws {
        guard walkLength >= 1, threadCount >= 1 else {
            throw AlgorithmError(
                .invalidParameter, "walk length and thread count must be ≥ 1, got \(walkLength), \(threadCount)",
                context: "ExactAffinity")
        }
        guard labels.userCount == graph.userCount, running.userCount == graph.userCount, running.isComplete,
            running.personaCount == labels.personaCount
        else {
            throw AlgorithmError(
                .shardMismatch,
                "cannot add \(labels.userCount) users × \(labels.personaCount) personas into a Ψ of "
                    + "\(running.userCount) users × \(running.columnCount) of \(running.personaCount) personas "
                    + "(graph: \(graph.userCount) users)", context: "ExactAffinity")
        }
        let columns = Array(0..<labels.personaCount)
        guard !columns.isEmpty && graph.userCount > 0 else { return }
        running.values.withUnsafeMutableBufferPointer { out in
            var plan = ExactPlan(
                graph: graph, labels: labels, columns: columns, walkLength: walkLength, threads: threadCount,
                out: out.baseAddress!)
            plan.accumulate = true
            plan.scratch = scratch
            switch blockWidth {
            case ...4: plan.run(SIMD4<Double>.self)
            case 5...8: plan.run(SIMD8<Double>.self)
            default: plan.run(SIMD16<Double>.self)
            }
        }
    }
}

/// Checks a persona subset (unique, in range) and returns it ascending; `nil` means all personas.
func validatedPersonas(_ personas: [Int]?, personaCount: Int, context: String) throws -> [Int] {
    guard let personas else { return Array(0..<personaCount) }
    let sorted = personas.sorted()
    for (index, persona) in sorted.enumerated() {
        guard persona >= 0 && persona < personaCount else {
            throw AlgorithmError(
                .personaOutOfRange, "persona \(persona) is not in 0 ..< \(personaCount)", context: context)
        }
        guard index == 0 || sorted[index - 1] != persona else {
            throw AlgorithmError(.invalidParameter, "persona \(persona) is requested twice", context: context)
        }
    }
    return sorted
}
