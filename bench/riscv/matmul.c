/*
 * matmul.c - integer matrix multiply benchmark.  C = A x B for 200x200
 * 32-bit integer matrices (wrapping arithmetic), i-k-j loop order so the
 * inner loop streams rows of B and C.  Repeated with fresh pseudo-random
 * matrices each time; every product is folded into the checksum.
 * Stresses: 32-bit multiply (mulw), addw, sequential loads and stores.
 */
#include "bench.h"

#define DIM 200
#define REPEATS 8
#define EXPECTED 0xd6a9f371d06c7ea1ull

static uint32_t a[DIM][DIM];
static uint32_t b[DIM][DIM];
static uint32_t c[DIM][DIM];

static void multiply(void)
{
    for (int i = 0; i < DIM; ++i) {
        for (int j = 0; j < DIM; ++j) {
            c[i][j] = 0;
        }
        for (int k = 0; k < DIM; ++k) {
            uint32_t aik = a[i][k];
            for (int j = 0; j < DIM; ++j) {
                c[i][j] += aik * b[k][j];
            }
        }
    }
}

int main(void)
{
    uint64_t start = rdinstret();
    uint64_t rng = 0xa4093822299f31d0ull;
    uint64_t sum = 0;
    for (int rep = 0; rep < REPEATS; ++rep) {
        for (int i = 0; i < DIM; ++i) {
            for (int j = 0; j < DIM; ++j) {
                uint64_t v = bench_rand(&rng);
                a[i][j] = (uint32_t)v;
                b[i][j] = (uint32_t)(v >> 32);
            }
        }
        multiply();
        for (int i = 0; i < DIM; ++i) {
            uint64_t row = 0;
            for (int j = 0; j < DIM; ++j) {
                row = row * 31 + c[i][j];
            }
            sum = bench_mix(sum, row);
        }
    }
    return bench_finish("matmul", sum, EXPECTED, start);
}
