/*
 * hash.c - hashing benchmark.  Fills a 256 KiB buffer with pseudo-random
 * bytes, then for each round hashes all of it twice: byte by byte with
 * 64-bit FNV-1a (a load, xor and 64-bit multiply per byte) and word by word
 * with a multiply-rotate accumulator in the style of the xxhash family.
 * Between rounds one byte of the buffer changes, so no round repeats.
 * Stresses: loads, 64-bit mul, shifts/rotates, tight loops.
 */
#include "bench.h"

#define BUF_SIZE (256u * 1024u)
#define ROUNDS 300
#define EXPECTED 0x96e57dd9a0e5f87full

static uint8_t buf[BUF_SIZE];

static uint64_t fnv1a64(const uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t h = 0xcbf29ce484222325ull ^ seed;
    for (size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t word_hash(const uint64_t *p, size_t n, uint64_t seed)
{
    const uint64_t k1 = 0x9e3779b185ebca87ull;
    const uint64_t k2 = 0xc2b2ae3d27d4eb4full;
    uint64_t a = seed + k1;
    uint64_t b = seed ^ k2;
    for (size_t i = 0; i + 1 < n; i += 2) {
        a = bench_rotl(a + p[i] * k2, 31) * k1;
        b = bench_rotl(b + p[i + 1] * k2, 27) * k1;
    }
    a ^= bench_rotl(b, 17);
    a ^= a >> 33;
    a *= k2;
    return a ^ (a >> 29);
}

int main(void)
{
    uint64_t start = rdinstret();
    uint64_t rng = 0x243f6a8885a308d3ull;
    for (size_t i = 0; i < BUF_SIZE; i += 8) {
        uint64_t v = bench_rand(&rng);
        memcpy(&buf[i], &v, 8);
    }

    uint64_t sum = 0;
    for (uint32_t r = 0; r < ROUNDS; ++r) {
        uint64_t h1 = fnv1a64(buf, BUF_SIZE, r);
        uint64_t h2 = word_hash((const uint64_t *)buf, BUF_SIZE / 8, h1);
        sum = bench_mix(sum, h1 ^ bench_rotl(h2, r));
        buf[(h1 >> 7) % BUF_SIZE] ^= (uint8_t)(h2 | 1);
    }
    return bench_finish("hash", sum, EXPECTED, start);
}
