#include "exact_kernel.h"

#include <stdlib.h>
#include <string.h>

enum { LANES = 8 };

int gplr_exact_walk1(
    long users, long items, const long *user_offsets, const uint32_t *user_targets, const long *item_offsets,
    long labeled, const long *labeled_users, const double *labels, long personas, double *out) {
    (void)item_offsets;
    double *inv_user = malloc(sizeof(double) * (size_t)(users > 0 ? users : 1));
    double *inv_item = malloc(sizeof(double) * (size_t)(items > 0 ? items : 1));
    long *lab_offsets = calloc((size_t)items + 1, sizeof(long));
    long blocks = (personas + LANES - 1) / LANES;
    double *block_l = malloc(sizeof(double) * LANES * (size_t)(blocks * labeled > 0 ? blocks * labeled : 1));
    double *y = malloc(sizeof(double) * LANES * (size_t)(blocks * items > 0 ? blocks * items : 1));
    if (!inv_user || !inv_item || !lab_offsets || !block_l || !y) {
        free(inv_user), free(inv_item), free(lab_offsets), free(block_l), free(y);
        return -1;
    }
    for (long u = 0; u < users; u++) {
        long degree = user_offsets[u + 1] - user_offsets[u];
        inv_user[u] = degree == 0 ? 0 : 1.0 / (double)degree;
    }
    // Item degrees over all buyers (as P' uses them), from the users' side.
    long *item_degree = calloc((size_t)(items > 0 ? items : 1), sizeof(long));
    if (!item_degree) return -1;
    for (long e = 0; e < user_offsets[users]; e++) item_degree[user_targets[e]]++;
    for (long v = 0; v < items; v++) inv_item[v] = item_degree[v] == 0 ? 0 : 1.0 / (double)item_degree[v];
    free(item_degree);
    // Labeled buyers per item: a CSR built from the labeled users' rows.
    for (long i = 0; i < labeled; i++) {
        long u = labeled_users[i];
        for (long e = user_offsets[u]; e < user_offsets[u + 1]; e++) lab_offsets[user_targets[e] + 1]++;
    }
    for (long v = 0; v < items; v++) lab_offsets[v + 1] += lab_offsets[v];
    uint32_t *lab_targets = malloc(sizeof(uint32_t) * (size_t)(lab_offsets[items] > 0 ? lab_offsets[items] : 1));
    long *cursor = malloc(sizeof(long) * (size_t)(items > 0 ? items : 1));
    if (!lab_targets || !cursor) return -1;
    memcpy(cursor, lab_offsets, sizeof(long) * (size_t)items);
    for (long i = 0; i < labeled; i++) {
        long u = labeled_users[i];
        for (long e = user_offsets[u]; e < user_offsets[u + 1]; e++) lab_targets[cursor[user_targets[e]]++] = (uint32_t)i;
    }
    free(cursor);
    // L in blocks of 8 columns (zero-padded), block-major.
    for (long b = 0; b < blocks; b++)
        for (long i = 0; i < labeled; i++)
            for (int j = 0; j < LANES; j++) {
                long r = b * LANES + j;
                block_l[(b * labeled + i) * LANES + j] = r < personas ? labels[i * personas + r] : 0;
            }
    for (long b = 0; b < blocks; b++) {
        const double *lb = block_l + b * labeled * LANES;
        double *yb = y + b * items * LANES;
        // Y = P'·L, summing only labeled buyers.
        for (long v = 0; v < items; v++) {
            double sum[LANES] = {0};
            for (long e = lab_offsets[v]; e < lab_offsets[v + 1]; e++) {
                const double *row = lb + (long)lab_targets[e] * LANES;
                for (int j = 0; j < LANES; j++) sum[j] += row[j];
            }
            for (int j = 0; j < LANES; j++) yb[v * LANES + j] = sum[j] * inv_item[v];
        }
        // Ψ = P·Y into the output's columns of this block.
        long first = b * LANES, width = personas - first < LANES ? personas - first : LANES;
        for (long u = 0; u < users; u++) {
            double sum[LANES] = {0};
            for (long e = user_offsets[u]; e < user_offsets[u + 1]; e++) {
                const double *row = yb + (long)user_targets[e] * LANES;
                for (int j = 0; j < LANES; j++) sum[j] += row[j];
            }
            double *dst = out + u * personas + first;
            for (int j = 0; j < width; j++) dst[j] = sum[j] * inv_user[u];
        }
    }
    free(inv_user), free(inv_item), free(lab_offsets), free(lab_targets), free(block_l), free(y);
    return 0;
}
