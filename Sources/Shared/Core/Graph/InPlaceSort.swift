/// Sorts `UInt64` keys ascending in place without allocating: what ``GraphBuilder/build()`` runs on each user's
/// row of packed `(item, count)` keys.
///
/// The standard library's `sort()` is a stable merge sort that allocates a buffer per call, which at one call per
/// user was 8 % of an ingest in `perf`. Equal keys are identical values, so stability does not matter and the
/// result is the same. Insertion sort below 24 keys, otherwise quicksort on a median of three with a depth limit
/// past which heapsort takes over (introsort): O(n log n) even for a hostile input.
///
/// Every index below lies in the range being sorted, `0 ..< buffer.count`, by construction (each is commented),
/// so the loops use the buffer's unchecked pointer and wrapping arithmetic.
enum InPlaceSort {
    /// - Parameter depth: quicksort levels before heapsort takes over; `nil` = 2 · ⌊log₂ n⌋ + 2 (tests force 0).
    static func sort(_ buffer: UnsafeMutableBufferPointer<UInt64>, depth: Int? = nil) {
        guard buffer.count > 1, let base = buffer.baseAddress else { return }
        introsort(base, 0, buffer.count, depth: depth ?? 2 * (Int.bitWidth - buffer.count.leadingZeroBitCount))
    }

    /// Sorts `p[lo ..< hi]`.
    private static func introsort(_ p: UnsafeMutablePointer<UInt64>, _ lo: Int, _ hi: Int, depth: Int) {
        var lo = lo, hi = hi, depth = depth
        while hi &- lo > 24 {
            if depth == 0 {
                heapsort(p + lo, hi &- lo)
                return
            }
            depth &-= 1
            // Median of three into lo, mid and last (all in lo ..< hi): then p[lo] ≤ pivot ≤ p[last].
            let last = hi &- 1
            let mid = lo &+ (last &- lo) / 2
            if p[mid] < p[lo] { p.swapAt(lo, mid) }
            if p[last] < p[lo] { p.swapAt(lo, last) }
            if p[last] < p[mid] { p.swapAt(mid, last) }
            let pivot = p[mid]
            // Hoare's partition: the pivot is a key of the range, so neither scan leaves lo ... last, and it ends
            // with lo ≤ j < last: both parts are non-empty.
            var i = lo &- 1, j = hi
            while true {
                repeat { i &+= 1 } while p[i] < pivot
                repeat { j &-= 1 } while pivot < p[j]
                if i >= j { break }
                p.swapAt(i, j)
            }
            // Recurse into the smaller part, loop on the larger: the stack stays O(log n).
            if j &+ 1 &- lo < hi &- (j &+ 1) {
                introsort(p, lo, j &+ 1, depth: depth)
                lo = j &+ 1
            } else {
                introsort(p, j &+ 1, hi, depth: depth)
                hi = j &+ 1
            }
        }
        insertionSort(p + lo, hi &- lo)
    }

    /// Sorts `p[0 ..< n]` by insertion.
    private static func insertionSort(_ p: UnsafeMutablePointer<UInt64>, _ n: Int) {
        var k = 1
        while k < n {
            let key = p[k]
            var m = k  // 1 ≤ m ≤ k < n; p[m - 1] is read only while m > 0
            while m > 0 && key < p[m &- 1] {
                p[m] = p[m &- 1]
                m &-= 1
            }
            p[m] = key
            k &+= 1
        }
    }

    /// Sorts `p[0 ..< n]` as a max-heap.
    private static func heapsort(_ p: UnsafeMutablePointer<UInt64>, _ n: Int) {
        var start = n / 2
        while start > 0 {
            start &-= 1
            siftDown(p, start, n)
        }
        var end = n
        while end > 1 {
            end &-= 1
            p.swapAt(0, end)
            siftDown(p, 0, end)
        }
    }

    /// Restores the heap below `root` in `p[0 ..< n]` (root < n).
    private static func siftDown(_ p: UnsafeMutablePointer<UInt64>, _ root: Int, _ n: Int) {
        var root = root
        while true {
            // root < n ≤ Int.max / 2 (a buffer of 8-byte keys), so 2·root + 2 cannot overflow.
            var child = root &* 2 &+ 1
            if child >= n { return }
            if child &+ 1 < n && p[child] < p[child &+ 1] { child &+= 1 }
            if !(p[root] < p[child]) { return }
            p.swapAt(root, child)
            root = child
        }
    }
}

extension UnsafeMutablePointer where Pointee == UInt64 {
    /// Exchanges `self[i]` and `self[j]`.
    @inline(__always)
    fileprivate func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
