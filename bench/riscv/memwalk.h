/*
 * memwalk.h - the page-stride walk shared by memwalk (paging off) and the
 * memwalk_sv39_* variants (the same walk in S-mode under Sv39), so that all
 * of them compute the same checksum and differ only in address translation.
 *
 * Walks a 64 MiB region with a 4096-byte stride, reading, modifying and
 * writing back one 64-bit word per page, so every access lands on a
 * different page (16384 pages per pass); the word within the page moves from
 * pass to pass.  Made to stress an emulator's software TLB rather than the
 * host's caches.
 */
#ifndef KILN_BENCH_MEMWALK_H
#define KILN_BENCH_MEMWALK_H

#include "bench.h"

#define MEMWALK_REGION_SIZE (64u << 20)
#define MEMWALK_PAGE_SIZE 4096u
#define MEMWALK_PASSES 3000
#define MEMWALK_EXPECTED 0x26384867fef88e98ull

/* Walks [base, base + 64 MiB), which must lie below end, and reports under
   name; returns the exit status (0 OK, 1 checksum mismatch, 2 no room). */
static inline int memwalk_run(const char *name, uint8_t *base, uint8_t *end)
{
    uint64_t start = rdinstret();
    if (end - base < (ptrdiff_t)MEMWALK_REGION_SIZE) {
        printf("%s: not enough RAM\n", name);
        return 2;
    }
    memset(base, 0, MEMWALK_REGION_SIZE);

    uint64_t sum = 0;
    const uint32_t pages = MEMWALK_REGION_SIZE / MEMWALK_PAGE_SIZE;
    for (uint32_t pass = 0; pass < MEMWALK_PASSES; ++pass) {
        uint32_t offset = (pass * 8u * 37u) % MEMWALK_PAGE_SIZE;
        uint8_t *p = base + offset;
        for (uint32_t page = 0; page < pages; ++page) {
            uint64_t *w = (uint64_t *)(p + (size_t)page * MEMWALK_PAGE_SIZE);
            uint64_t v = *w;
            sum += v;
            *w = v + pass + page;
        }
        sum = bench_rotl(sum, 7);
    }
    return bench_finish(name, sum, MEMWALK_EXPECTED, start);
}

#endif
