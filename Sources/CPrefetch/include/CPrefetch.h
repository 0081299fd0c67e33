// Prefetch hints for the solvers' gathers and the graph's transpose (docs/benchmarks.md, "Prefetching the exact
// solver's gathers"): Swift has no spelling for the compiler's `__builtin_prefetch`. `static inline`, so Swift's
// optimizer inlines each into the loop as the one instruction it is (`prefetcht0`, `prefetchw` on x86-64): no call,
// no load that must retire.
#pragma once

/// Asks the CPU to bring the cache line holding `address` towards L1 for a read. Never faults, whatever the address.
static inline void gplr_prefetch_read(const void *address) { __builtin_prefetch(address, 0, 3); }

/// The same, for a line about to be written (`prefetchw`): the line arrives ready to be modified.
static inline void gplr_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }
