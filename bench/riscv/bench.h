/*
 * bench.h - shared by the RISC-V benchmark workloads: a deterministic
 * pseudo-random generator, a 64-bit mixing function, and the common ending
 * that prints the result in the form bench/run.sh parses:
 *
 *   <name>: checksum 0x... expected 0x... OK|FAIL
 *   <name>: instret <N>
 *
 * and turns the comparison into the exit status (0 = OK, 1 = FAIL).
 */
#ifndef KILN_BENCH_H
#define KILN_BENCH_H

#include "rt.h"

/* xorshift64: never returns 0 for a nonzero state. */
static inline uint64_t bench_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

static inline uint64_t bench_rotl(uint64_t x, unsigned r)
{
    r &= 63;
    return r == 0 ? x : (x << r) | (x >> (64 - r));
}

/* Folds v into the running checksum h (order-sensitive). */
static inline uint64_t bench_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}

static inline int bench_finish(const char *name, uint64_t checksum, uint64_t expected,
                               uint64_t instret_start)
{
    uint64_t instret = rdinstret() - instret_start;
    int ok = checksum == expected;
    /* Each 64-bit value as two 32-bit halves: riscv-rt's printf reads %llx
       as a long, which is 32 bits on i386 (bench/x86). */
    printf("%s: checksum 0x%08x%08x expected 0x%08x%08x %s\n", name, (unsigned)(checksum >> 32),
           (unsigned)checksum, (unsigned)(expected >> 32), (unsigned)expected, ok ? "OK" : "FAIL");
    printf("%s: instret %lu\n", name, (unsigned long)instret);
    return ok ? 0 : 1;
}

#endif
