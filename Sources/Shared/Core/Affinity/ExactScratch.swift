/// The exact solver's scratch slabs (L's persona blocks, Y, and for ℓ̂ > 1 X and its running sum) and the graph's
/// inverse degrees, kept from one solve to the next of a run so that each iteration does not map and fault in fresh
/// memory.
///
/// Why: the slabs are allocated with huge pages (``KernelMemory``) and are large (Y alone is 192 MB at 10M users,
/// 1M items and 20 personas); a fresh allocation per solve cost every incremental iteration its page faults, and,
/// where free memory is fragmented, the kernel's compaction to find 2 MiB pages (a 10M-user run's profile: 2.5 % of
/// the coordinator's samples during the iterations zeroing huge pages for Y). A slab grows when a solve needs more
/// and is never shrunk; its contents are not kept (every solve writes each slab before reading it).
///
/// Not thread-safe: one solve at a time uses it (``RunningAffinity`` holds it under its lock).
package final class ExactScratch {
    private var slabs: [(pointer: UnsafeMutablePointer<UInt8>?, bytes: Int)] = []
    /// The inverse degrees computed for each CSR a solve used, with the CSR's offsets kept alive beside them (so
    /// that a buffer is never freed and reused by another graph's offsets while it is remembered).
    private var inverseDegreesOfOffsets: [(offsets: [Int], inverse: [Double])] = []

    package init() {}

    deinit {
        for case let (pointer?, _) in slabs { KernelMemory.deallocate(pointer) }
    }

    /// ``CompressedSparseRows/inverseDegrees()`` of `rows`, computed once per CSR: a run's graph does not change
    /// between its solves, and at 10M users the users' 80 MB array was allocated, faulted in and filled again every
    /// iteration. A CSR is recognised by its offsets' buffer.
    func inverseDegrees(_ rows: CompressedSparseRows) -> [Double] {
        let offsets = rows.offsets
        func sameBuffer(_ kept: [Int]) -> Bool {
            kept.withUnsafeBufferPointer { kept in
                offsets.withUnsafeBufferPointer { kept.baseAddress == $0.baseAddress && kept.count == $0.count }
            }
        }
        if let kept = inverseDegreesOfOffsets.first(where: { sameBuffer($0.offsets) }) { return kept.inverse }
        let inverse = rows.inverseDegrees()
        // A solve reads two CSRs (the users' and the items'); older entries belong to an earlier graph.
        if inverseDegreesOfOffsets.count == 2 { inverseDegreesOfOffsets.removeFirst() }
        inverseDegreesOfOffsets.append((offsets, inverse))
        return inverse
    }

    /// Slab `index` with room for `capacity` elements of `Element` (uninitialised).
    func slab<Element>(_ index: Int, _: Element.Type, capacity: Int) -> UnsafeMutablePointer<Element> {
        let bytes = max(capacity, 1) * MemoryLayout<Element>.stride
        while slabs.count <= index { slabs.append((nil, 0)) }
        if slabs[index].bytes < bytes {
            if let old = slabs[index].pointer { KernelMemory.deallocate(old) }
            slabs[index] = (KernelMemory.allocate(UInt8.self, capacity: bytes), bytes)
        }
        let pointer = UnsafeMutableRawPointer(slabs[index].pointer!)
        precondition(Int(bitPattern: pointer) % MemoryLayout<Element>.alignment == 0)
        return pointer.bindMemory(to: Element.self, capacity: max(capacity, 1))
    }
}
