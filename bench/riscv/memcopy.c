/*
 * memcopy.c - bulk copy benchmark.  Copies 16 MiB with memcpy from a source
 * buffer to a destination 32 MiB above it, many times; between copies one
 * word per page of the source changes, so each copy moves new data.  Ends
 * by hashing the destination.  Stresses: 64-bit loads and stores at full
 * speed, a large working set.  Needs 48 MiB of RAM past the end of the
 * image (RAM of at least 64 MiB; the default 128 MiB is fine).
 */
#include "bench.h"

#define COPY_SIZE (16u << 20)
#define DST_OFFSET (32u << 20)
#define PASSES 60
#define EXPECTED 0x1c91f72b13c44c93ull

int main(void)
{
    uint64_t start = rdinstret();
    /* Start on a 1 MiB boundary so both buffers are nicely aligned. */
    uintptr_t heap = (uintptr_t)rt_heap_start();
    uint64_t *src = (uint64_t *)((heap + 0xfffff) & ~(uintptr_t)0xfffff);
    uint64_t *dst = (uint64_t *)((uint8_t *)src + DST_OFFSET);
    if ((uint8_t *)rt_ram_end() < (uint8_t *)dst + COPY_SIZE) {
        printf("memcopy: not enough RAM\n");
        return 2;
    }

    const size_t words = COPY_SIZE / 8;
    uint64_t rng = 0x082efa98ec4e6c89ull;
    for (size_t i = 0; i < words; ++i) {
        src[i] = bench_rand(&rng);
    }

    uint64_t sum = 0;
    for (uint32_t pass = 0; pass < PASSES; ++pass) {
        memcpy(dst, src, COPY_SIZE);
        /* Spot check one word per pass, then change the source. */
        size_t k = (size_t)(bench_rand(&rng) % words);
        if (dst[k] != src[k]) {
            printf("memcopy: mismatch at word %lu in pass %u\n", (unsigned long)k, pass);
            sum ^= 1;
        }
        for (size_t page = 0; page < words; page += 512) {
            src[page + (pass % 512)] += pass ^ page;
        }
    }
    for (size_t i = 0; i < words; ++i) {
        sum = sum * 0x100000001b3ull + dst[i];
    }
    return bench_finish("memcopy", sum, EXPECTED, start);
}
