/// Scratch space for one persona at a time: residuals and "touched this hop" lists for both sides.
/// One per worker thread; reused across personas (left zeroed after each persona).
final class RevAffWorkspace {
    let userValue: UnsafeMutablePointer<Double>
    let itemValue: UnsafeMutablePointer<Double>
    let userStamp: UnsafeMutablePointer<UInt32>
    let itemStamp: UnsafeMutablePointer<UInt32>
    let userList: UnsafeMutablePointer<Int32>
    let itemList: UnsafeMutablePointer<Int32>
    let userCount: Int
    let itemCount: Int
    var stamp: UInt32 = 0

    init(userCount: Int, itemCount: Int) {
        self.userCount = userCount
        self.itemCount = itemCount
        userValue = KernelMemory.allocate(Double.self, capacity: userCount)
        itemValue = KernelMemory.allocate(Double.self, capacity: itemCount)
        userStamp = KernelMemory.allocate(UInt32.self, capacity: userCount)
        itemStamp = KernelMemory.allocate(UInt32.self, capacity: itemCount)
        userList = KernelMemory.allocate(Int32.self, capacity: userCount)
        itemList = KernelMemory.allocate(Int32.self, capacity: itemCount)
        userValue.initialize(repeating: 0, count: max(userCount, 1))
        itemValue.initialize(repeating: 0, count: max(itemCount, 1))
        userStamp.initialize(repeating: 0, count: max(userCount, 1))
        itemStamp.initialize(repeating: 0, count: max(itemCount, 1))
    }

    /// A users-long column of zeros that a push may write its output into, allocated on first use; whoever uses
    /// it leaves it zeroed (``IncrementalRevAff`` adds it into its running column and clears it).
    func outputColumn() -> UnsafeMutablePointer<Double> {
        if let output { return output }
        let column = KernelMemory.allocate(Double.self, capacity: userCount)
        column.initialize(repeating: 0, count: max(userCount, 1))
        output = column
        return column
    }
    private var output: UnsafeMutablePointer<Double>?

    /// A fresh stamp: a node whose stamp differs has not been touched in the current hop.
    func nextStamp() -> UInt32 {
        if stamp == UInt32.max {
            userStamp.update(repeating: 0, count: max(userCount, 1))
            itemStamp.update(repeating: 0, count: max(itemCount, 1))
            stamp = 0
        }
        stamp += 1
        return stamp
    }

    deinit {
        KernelMemory.deallocate(userValue)
        KernelMemory.deallocate(itemValue)
        KernelMemory.deallocate(userStamp)
        KernelMemory.deallocate(itemStamp)
        KernelMemory.deallocate(userList)
        KernelMemory.deallocate(itemList)
        if let output { KernelMemory.deallocate(output) }
    }
}

/// A residual RevAff left below θ at one node of one hop (a user at an even hop, an item at an odd one).
struct RevAffResidual: Sendable, Equatable {
    let node: Int32
    let value: Double
}

/// The residuals one persona's pushes left below θ, carried to its next push (``IncrementalRevAff``): per hop, one
/// value per node of that hop's side (users at even hops, items at odd ones), allocated when the first residual is
/// kept there. Dense, so that a push joins only the nodes its new mass reaches: a carried residual that no new mass
/// reaches stays below θ and costs nothing. (Lists of every carried residual, joined to each push's frontier,
/// made every addition cost the whole of what was carried; dense, a T = 10 run takes 12–25 % less time,
/// docs/benchmarks.md.)
struct RevAffCarry: Sendable, Equatable {
    /// `2ℓ̂` arrays once a push has used it; an empty array holds nothing.
    var hops: [[Double]] = []

    /// Residuals held, over every hop.
    var count: Int { hops.reduce(0) { total, hop in total + hop.count { $0 != 0 } } }
}

/// The graph and parameters shared by every persona's push.
struct RevAffContext {
    let graph: PurchaseGraph
    let walkLength: Int
    let threshold: Double
    let inverseUserDegree: [Double]
    let inverseItemDegree: [Double]

    init(graph: PurchaseGraph, walkLength: Int, threshold: Double) {
        self.graph = graph
        self.walkLength = walkLength
        self.threshold = threshold
        inverseUserDegree = graph.userItems.inverseDegrees()
        inverseItemDegree = graph.itemUsers.inverseDegrees()
    }

    /// Runs the hop-by-hop push for one persona from `seeds` (the non-zero entries of L[:, r]), adding Ψ̂[:, r]
    /// into `out`. Leaves the workspace zeroed.
    ///
    /// Without `carry`, residuals below θ are dropped (a solve from scratch; the caller zeroed `out`). With it, they
    /// are kept, by hop, and joined the next time this persona is pushed into the same `out` to the mass that reaches
    /// the same node at the same hop: a residual crosses θ when its total does, as it would have in one solve from all
    /// the seeds (``IncrementalRevAff``). On return `carry` holds what every push so far left.
    func push(
        seeds: [(user: Int, value: Double)], into out: UnsafeMutablePointer<Double>, workspace ws: RevAffWorkspace,
        carry: UnsafeMutablePointer<RevAffCarry>? = nil
    )
        -> (pushes: Int, edges: Int)
    {
        var pushes = 0, edges = 0
        let theta = threshold, scale = 1.0 / Double(walkLength), hops = 2 * walkLength
        var frontier = 0
        let frontierStamp = ws.nextStamp()
        for seed in seeds {
            if ws.userStamp[seed.user] != frontierStamp {
                ws.userStamp[seed.user] = frontierStamp
                ws.userList[frontier] = Int32(seed.user)
                frontier += 1
            }
            ws.userValue[seed.user] += seed.value
        }
        if let carry, carry.pointee.hops.count != hops { carry.pointee.hops = Array(repeating: [], count: hops) }
        /// This hop's residuals below θ, stored into `carry` once the hop is done.
        var kept: [RevAffResidual] = []
        /// Adds to each node of this hop's frontier the residual an earlier push left there. A node new mass does not
        /// reach keeps its residual, still below θ, where it is.
        func joinCarried(hop: Int) {
            guard let carry, !carry.pointee.hops[hop].isEmpty else { return }
            let onUsers = hop % 2 == 0
            let value = onUsers ? ws.userValue : ws.itemValue, list = onUsers ? ws.userList : ws.itemList
            carry.pointee.hops[hop].withUnsafeMutableBufferPointer { carried in
                for index in 0..<frontier {
                    let node = Int(list[index])
                    value[node] += carried[node]
                    carried[node] = 0
                }
            }
        }
        /// A residual below θ: kept for the next push when carrying, dropped otherwise.
        func keep(_ node: Int, _ q: Double, hop: Int) {
            if carry != nil && q > 0 { kept.append(RevAffResidual(node: Int32(node), value: q)) }
        }
        /// Stores this hop's residuals below θ into `carry`.
        func storeKept(hop: Int) {
            guard let carry, !kept.isEmpty else { return }
            if carry.pointee.hops[hop].isEmpty {
                carry.pointee.hops[hop] = [Double](
                    repeating: 0, count: hop % 2 == 0 ? graph.userCount : graph.itemCount)
            }
            carry.pointee.hops[hop].withUnsafeMutableBufferPointer { carried in
                for residual in kept { carried[Int(residual.node)] = residual.value }
            }
            kept.removeAll(keepingCapacity: true)
        }
        graph.userItems.offsets.withUnsafeBufferPointer { userOffsets in
            graph.userItems.targets.withUnsafeBufferPointer { userTargets in
                graph.itemUsers.offsets.withUnsafeBufferPointer { itemOffsets in
                    graph.itemUsers.targets.withUnsafeBufferPointer { itemTargets in
                        inverseUserDegree.withUnsafeBufferPointer { invU in
                            inverseItemDegree.withUnsafeBufferPointer { invI in
                                for hop in 0..<hops {
                                    joinCarried(hop: hop)
                                    let stamp = ws.nextStamp()
                                    var next = 0
                                    if hop % 2 == 0 {
                                        // Users at hop t push to items at hop t + 1.
                                        next = Self.spread(
                                            frontier: frontier, sources: ws.userList, sourceValue: ws.userValue,
                                            offsets: userOffsets, targets: userTargets, inverseDegree: invI,
                                            targetValue: ws.itemValue, targetStamp: ws.itemStamp,
                                            targetList: ws.itemList, stamp: stamp, threshold: theta,
                                            pushes: &pushes, edges: &edges, below: { keep($0, $1, hop: hop) })
                                    } else if hop + 1 == hops {
                                        // Items at the last odd hop push straight into the output: Ψ̂_{2ℓ̂} / ℓ̂.
                                        for index in 0..<frontier {
                                            let v = Int(ws.itemList[index])
                                            let q = ws.itemValue[v]
                                            ws.itemValue[v] = 0
                                            guard q >= theta && q > 0 else {
                                                keep(v, q, hop: hop)
                                                continue
                                            }
                                            pushes += 1
                                            let lo = itemOffsets[v], hi = itemOffsets[v + 1]
                                            edges += hi - lo
                                            let qs = q * scale
                                            for e in lo..<hi {
                                                let u = Int(itemTargets[e])
                                                out[u] += qs * invU[u]
                                            }
                                        }
                                    } else {
                                        // Items at an inner odd hop push to users at hop t + 1 (an even hop).
                                        next = Self.spread(
                                            frontier: frontier, sources: ws.itemList, sourceValue: ws.itemValue,
                                            offsets: itemOffsets, targets: itemTargets, inverseDegree: invU,
                                            targetValue: ws.userValue, targetStamp: ws.userStamp,
                                            targetList: ws.userList, stamp: stamp, threshold: theta,
                                            pushes: &pushes, edges: &edges, below: { keep($0, $1, hop: hop) })
                                        // Ψ̂_{t+1} on users is complete: it joins the output before being pushed on
                                        // (and before carried residuals, counted when they arrived, join it).
                                        for index in 0..<next {
                                            let u = Int(ws.userList[index])
                                            out[u] += ws.userValue[u] * scale
                                        }
                                    }
                                    storeKept(hop: hop)
                                    frontier = next
                                }
                            }
                        }
                    }
                }
            }
        }
        return (pushes, edges)
    }

    /// One inner hop, in either direction: every frontier node whose residual reaches `threshold` spreads it
    /// over its neighbours (divided by their degree) and is zeroed; the neighbours touched for the first time in
    /// this hop (`stamp`) are listed in `targetList`; a residual below `threshold` is handed to `below` (and zeroed).
    /// Returns the length of that list (the next frontier).
    @inline(__always)
    private static func spread(
        frontier: Int, sources: UnsafeMutablePointer<Int32>, sourceValue: UnsafeMutablePointer<Double>,
        offsets: UnsafeBufferPointer<Int>, targets: UnsafeBufferPointer<UInt32>,
        inverseDegree: UnsafeBufferPointer<Double>,
        targetValue: UnsafeMutablePointer<Double>, targetStamp: UnsafeMutablePointer<UInt32>,
        targetList: UnsafeMutablePointer<Int32>, stamp: UInt32, threshold theta: Double,
        pushes: inout Int, edges: inout Int, below: (Int, Double) -> Void
    ) -> Int {
        var next = 0
        for index in 0..<frontier {
            let source = Int(sources[index])
            let q = sourceValue[source]
            sourceValue[source] = 0
            guard q >= theta && q > 0 else {
                below(source, q)
                continue
            }
            pushes += 1
            let lo = offsets[source], hi = offsets[source + 1]
            edges += hi - lo
            for e in lo..<hi {
                let target = Int(targets[e])
                if targetStamp[target] != stamp {
                    targetStamp[target] = stamp
                    targetList[next] = Int32(target)
                    next += 1
                }
                targetValue[target] += q * inverseDegree[target]
            }
        }
        return next
    }
}
