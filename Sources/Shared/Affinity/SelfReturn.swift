/// Π[u, u]: how much of a prototype's own label its walk brings back to it (Eq. 2's attention of u on itself).
///
/// Ψ_raw[u] = Σ_w Π[u, w] · L_raw[w], so a prototype's *leave-one-out* affinities — what Ψ would say about u had u
/// not been labeled — are Ψ_raw[u] − Π[u, u] · L_raw[u]. The calibrated assignment learns its cut from those.
/// Each user costs the edges of its ℓ̂-step neighbourhood (for ℓ̂ = 1 only its own edges: Π[u, u] =
/// (1/d(u)) Σ_{v ∈ N(u)} 1/d(v)); callers pass a bounded sample of users.
enum SelfReturn {
    /// Π[u, u] for each of `users` (a user of degree 0 gets 0).
    static func probabilities(graph: PurchaseGraph, users: [Int], walkLength: Int) -> [Double] {
        let userOffsets = graph.userItems.offsets, userTargets = graph.userItems.targets
        let itemOffsets = graph.itemUsers.offsets, itemTargets = graph.itemUsers.targets
        func inverseDegree(_ offsets: [Int], _ node: Int) -> Double {
            let degree = offsets[node + 1] - offsets[node]
            return degree == 0 ? 0 : 1 / Double(degree)
        }
        // Sparse walk state: dense values plus the list of nodes touched, reset after each user.
        var userValue = [Double](repeating: 0, count: graph.userCount)
        var itemValue = [Double](repeating: 0, count: graph.itemCount)
        var touchedUsers: [Int] = [], touchedItems: [Int] = []
        return users.map { start in
            guard userOffsets[start + 1] > userOffsets[start] else { return 0 }
            userValue[start] = 1
            touchedUsers = [start]
            var returned = 0.0
            for step in 1 ... walkLength {
                // Items: (P'·x)[v] = (1/d(v)) Σ_{w ∈ N(v)} x[w], spread from the users holding mass.
                for user in touchedUsers {
                    let mass = userValue[user]
                    userValue[user] = 0
                    for e in userOffsets[user] ..< userOffsets[user + 1] {
                        let item = Int(userTargets[e])
                        if itemValue[item] == 0 { touchedItems.append(item) }
                        itemValue[item] += mass * inverseDegree(itemOffsets, item)
                    }
                }
                touchedUsers.removeAll(keepingCapacity: true)
                if step == walkLength {
                    // Only (P·y)[start] is needed on the last step.
                    var sum = 0.0
                    for e in userOffsets[start] ..< userOffsets[start + 1] { sum += itemValue[Int(userTargets[e])] }
                    returned += sum * inverseDegree(userOffsets, start)
                } else {
                    // Users: (P·y)[w] = (1/d(w)) Σ_{v ∈ N(w)} y[v], spread from the items holding mass.
                    for item in touchedItems {
                        let mass = itemValue[item]
                        for e in itemOffsets[item] ..< itemOffsets[item + 1] {
                            let user = Int(itemTargets[e])
                            if userValue[user] == 0 { touchedUsers.append(user) }
                            userValue[user] += mass * inverseDegree(userOffsets, user)
                        }
                    }
                    returned += userValue[start]
                }
                for item in touchedItems { itemValue[item] = 0 }
                touchedItems.removeAll(keepingCapacity: true)
            }
            for user in touchedUsers { userValue[user] = 0 }
            touchedUsers.removeAll(keepingCapacity: true)
            return returned / Double(walkLength)
        }
    }
}
