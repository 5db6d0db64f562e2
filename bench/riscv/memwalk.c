/*
 * memwalk.c - page-stride memory benchmark.  Walks a 64 MiB region with a
 * 4096-byte stride, reading, modifying and writing back one 64-bit word per
 * page, so every access lands on a different page (16384 pages per pass);
 * the word within the page moves from pass to pass.  Made to stress an
 * emulator's software TLB rather than the host's caches.  Needs RAM from
 * the end of the image up to 64 MiB beyond it (the default 128 MiB is fine).
 */
#include "bench.h"

#define REGION_SIZE (64u << 20)
#define PAGE_SIZE 4096u
#define PASSES 3000
#define EXPECTED 0x26384867fef88e98ull

int main(void)
{
    uint64_t start = rdinstret();
    uint8_t *base = rt_heap_start();
    if ((uint8_t *)rt_ram_end() - base < (ptrdiff_t)REGION_SIZE) {
        printf("memwalk: not enough RAM\n");
        return 2;
    }
    memset(base, 0, REGION_SIZE);

    uint64_t sum = 0;
    const uint32_t pages = REGION_SIZE / PAGE_SIZE;
    for (uint32_t pass = 0; pass < PASSES; ++pass) {
        uint32_t offset = (pass * 8u * 37u) % PAGE_SIZE;
        uint8_t *p = base + offset;
        for (uint32_t page = 0; page < pages; ++page) {
            uint64_t *w = (uint64_t *)(p + (size_t)page * PAGE_SIZE);
            uint64_t v = *w;
            sum += v;
            *w = v + pass + page;
        }
        sum = bench_rotl(sum, 7);
    }
    return bench_finish("memwalk", sum, EXPECTED, start);
}
