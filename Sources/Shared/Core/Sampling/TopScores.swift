/// The `capacity` best (score, user) pairs seen, without sorting everything: a bounded min-heap whose root is
/// the worst kept pair. Higher scores are better; on equal scores the lower user index is better.
struct TopScores {
    private(set) var heap: [(score: Double, user: Int)] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(min(capacity, 1 << 16))
    }

    /// Whether `a` ranks below `b`.
    @inline(__always) static func worse(_ a: (score: Double, user: Int), _ b: (score: Double, user: Int)) -> Bool {
        a.score < b.score || (a.score == b.score && a.user > b.user)
    }

    mutating func offer(score: Double, user: Int) {
        guard capacity > 0 else { return }
        let item = (score: score, user: user)
        if heap.count < capacity {
            heap.append(item)
            siftUp(heap.count - 1)
        } else if Self.worse(heap[0], item) {
            heap[0] = item
            siftDown(0)
        }
    }

    mutating func merge(_ other: TopScores) {
        for item in other.heap { offer(score: item.score, user: item.user) }
    }

    /// The kept pairs, best first.
    func ranked() -> [(score: Double, user: Int)] {
        heap.sorted { Self.worse($1, $0) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.worse(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && Self.worse(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count && Self.worse(heap[right], heap[smallest]) { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
