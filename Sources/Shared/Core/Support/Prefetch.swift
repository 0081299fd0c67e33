import CPrefetch

/// Hints that `address`'s cache line will be read soon, so a gather can ask for a row several edges before it adds
/// it: the misses overlap instead of waiting one behind the other in the core's load queue. A hint only — it never
/// faults and changes no result.
@inline(__always)
func prefetchForRead(_ address: UnsafeRawPointer) {
    gplr_prefetch_read(address)
}

/// Hints that `address`'s cache line will be written soon (a scatter's slot), with the same guarantees.
@inline(__always)
func prefetchForWrite(_ address: UnsafeRawPointer) {
    gplr_prefetch_write(address)
}
