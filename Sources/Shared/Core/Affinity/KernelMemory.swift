import Glibc

/// Scratch arrays of the affinity kernels that are read at random (the item-side slab Y and the labeled rows of
/// the exact solver, RevAff's residuals): allocated on a 2 MiB boundary and advised to use transparent huge pages
/// before they are first touched.
///
/// Why: at 10M users the exact solver gathers one 64-byte row of a 64 MB slab per edge, and with 4 KiB pages
/// nearly every gather also misses the TLB. This machine's kernel gives huge pages only to memory that asks for
/// them (`/sys/kernel/mm/transparent_hugepage/enabled` = `madvise`). Where huge pages are off, or the advice is
/// refused, the memory is ordinary memory and nothing else changes. docs/benchmarks.md, "Huge pages for the
/// kernels", has the measurement.
enum KernelMemory {
    /// The huge page size on x86-64 and arm64 Linux with 4 KiB base pages.
    static let hugePageSize = 2 << 20

    /// Uninitialised memory for `capacity` (≥ 1 is allocated) elements; free it with ``deallocate(_:)``.
    /// Traps when the memory cannot be had, as `UnsafeMutablePointer.allocate` does.
    static func allocate<Element>(_: Element.Type, capacity: Int) -> UnsafeMutablePointer<Element> {
        let bytes = max(capacity, 1) * MemoryLayout<Element>.stride
        let huge = bytes >= hugePageSize
        let length = huge ? (bytes + hugePageSize - 1) / hugePageSize * hugePageSize : bytes
        var raw: UnsafeMutableRawPointer?
        let status = posix_memalign(&raw, huge ? hugePageSize : max(64, MemoryLayout<Element>.alignment), length)
        guard status == 0, let raw else { fatalError("cannot allocate \(bytes) bytes of kernel scratch memory") }
        if huge { _ = madvise(raw, length, MADV_HUGEPAGE) }
        return raw.bindMemory(to: Element.self, capacity: max(capacity, 1))
    }

    /// Frees memory from ``allocate(_:capacity:)``.
    static func deallocate<Element>(_ pointer: UnsafeMutablePointer<Element>) {
        free(pointer)
    }
}
