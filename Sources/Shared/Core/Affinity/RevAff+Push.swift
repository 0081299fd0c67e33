/// Scratch space for one persona at a time: residuals and "touched this hop" lists for both sides.
/// One per worker thread; reused across personas (left zeroed after each persona).
final class RevAffWorkspace {
    /// One side of the bipartite graph (its users or its items), one entry per node.
    struct Side {
        /// The residual each node holds.
        let value: UnsafeMutablePointer<Double>
        /// The stamp of the hop that last touched each node.
        let lastStamp: UnsafeMutablePointer<UInt32>
        /// The nodes touched in the current hop, in the order they were.
        let list: UnsafeMutablePointer<Int32>
        let count: Int

        fileprivate init(count: Int) {
            self.count = count
            value = KernelMemory.allocate(Double.self, capacity: count)
            lastStamp = KernelMemory.allocate(UInt32.self, capacity: count)
            list = KernelMemory.allocate(Int32.self, capacity: count)
            value.initialize(repeating: 0, count: max(count, 1))
            lastStamp.initialize(repeating: 0, count: max(count, 1))
        }

        fileprivate func deallocate() {
            KernelMemory.deallocate(value)
            KernelMemory.deallocate(lastStamp)
            KernelMemory.deallocate(list)
        }
    }

    let users: Side
    let items: Side
    var stamp: UInt32 = 0

    init(userCount: Int, itemCount: Int) {
        users = Side(count: userCount)
        items = Side(count: itemCount)
    }

    /// A fresh stamp: a node whose stamp differs has not been touched in the current hop.
    func nextStamp() -> UInt32 {
        if stamp == UInt32.max {
            for side in [users, items] { side.lastStamp.update(repeating: 0, count: max(side.count, 1)) }
            stamp = 0
        }
        stamp += 1
        return stamp
    }

    deinit {
        users.deallocate()
        items.deallocate()
    }
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
        inverseUserDegree = graph.inverseUserDegrees()
        inverseItemDegree = graph.inverseItemDegrees()
    }

    /// Runs the hop-by-hop push for one persona from `seeds` (the non-zero entries of L[:, r]), adding Ψ̂[:, r]
    /// into `out` (which the caller zeroed). Leaves the workspace zeroed.
    func push(
        seeds: [(user: Int, value: Double)], into out: UnsafeMutablePointer<Double>, workspace ws: RevAffWorkspace
    )
        -> (pushes: Int, edges: Int)
    {
        var pushes = 0, edges = 0
        let theta = threshold, scale = 1.0 / Double(walkLength), hops = 2 * walkLength
        var frontier = 0
        for seed in seeds {
            ws.users.value[seed.user] = seed.value
            ws.users.list[frontier] = Int32(seed.user)
            frontier += 1
        }
        graph.withUnsafeAdjacency { userOffsets, userTargets, itemOffsets, itemTargets in
            inverseUserDegree.withUnsafeBufferPointer { invU in
                inverseItemDegree.withUnsafeBufferPointer { invI in
                    for hop in 0..<hops {
                        let stamp = ws.nextStamp()
                        var next = 0
                        if hop % 2 == 0 {
                            // Users at hop t push to items at hop t + 1.
                            next = Self.spread(
                                frontier: frontier, from: ws.users, offsets: userOffsets, targets: userTargets,
                                inverseDegree: invI, to: ws.items, stamp: stamp, threshold: theta, pushes: &pushes,
                                edges: &edges)
                        } else if hop + 1 == hops {
                            // Items at the last odd hop push straight into the output: Ψ̂_{2ℓ̂} / ℓ̂.
                            for index in 0..<frontier {
                                let v = Int(ws.items.list[index])
                                let q = ws.items.value[v]
                                ws.items.value[v] = 0
                                guard q >= theta && q > 0 else { continue }
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
                                frontier: frontier, from: ws.items, offsets: itemOffsets, targets: itemTargets,
                                inverseDegree: invU, to: ws.users, stamp: stamp, threshold: theta, pushes: &pushes,
                                edges: &edges)
                            // Ψ̂_{t+1} on users is complete: it joins the output before being pushed on.
                            for index in 0..<next {
                                let u = Int(ws.users.list[index])
                                out[u] += ws.users.value[u] * scale
                            }
                        }
                        frontier = next
                    }
                }
            }
        }
        return (pushes, edges)
    }

    /// One inner hop, in either direction: every frontier node whose residual reaches `threshold` spreads it
    /// over its neighbours (divided by their degree) and is zeroed; the neighbours touched for the first time in
    /// this hop (`stamp`) are listed in the target side's `list`. Returns the length of that list (the next
    /// frontier). `source`'s first `frontier` listed nodes are the frontier; `offsets`/`targets` lead from them
    /// into `target`, whose `inverseDegree` divides what each receives.
    @inline(__always)
    private static func spread(
        frontier: Int, from source: RevAffWorkspace.Side, offsets: UnsafeBufferPointer<Int>,
        targets: UnsafeBufferPointer<UInt32>, inverseDegree: UnsafeBufferPointer<Double>,
        to target: RevAffWorkspace.Side,
        stamp: UInt32, threshold theta: Double, pushes: inout Int, edges: inout Int
    ) -> Int {
        var next = 0
        for index in 0..<frontier {
            let node = Int(source.list[index])
            let q = source.value[node]
            source.value[node] = 0
            guard q >= theta && q > 0 else { continue }
            pushes += 1
            let lo = offsets[node], hi = offsets[node + 1]
            edges += hi - lo
            for e in lo..<hi {
                let neighbour = Int(targets[e])
                if target.lastStamp[neighbour] != stamp {
                    target.lastStamp[neighbour] = stamp
                    target.list[next] = Int32(neighbour)
                    next += 1
                }
                target.value[neighbour] += q * inverseDegree[neighbour]
            }
        }
        return next
    }
}
