#ifndef GPLR_EXACT_KERNEL_H
#define GPLR_EXACT_KERNEL_H

#include <stdint.h>

/// The same algorithm as gplr's exact solver (`ExactPlan`, ℓ̂ = 1), in plain C on one thread, as a benchmark
/// peer: labeled buyers per item (built from the prototypes' rows), Y = P'·L over them, Ψ = P·Y, in blocks of 8
/// persona columns. `labels` is the dense L (labeled × personas, row-major), `out` receives Ψ (users × personas,
/// row-major; every element is written). Returns 0, or -1 when memory runs out.
int gplr_exact_walk1(
    long users, long items, const long *user_offsets, const uint32_t *user_targets, const long *item_offsets,
    long labeled, const long *labeled_users, const double *labels, long personas, double *out);

#endif
