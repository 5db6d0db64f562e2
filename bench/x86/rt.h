/*
 * rt.h (x86_64 bare metal) - stands in for roms/riscv-rt/rt.h when a
 * bench/riscv workload is built for -M pc under the boot.asm stub, so the
 * same C source runs on x86.  It offers what the workloads use from the
 * RISC-V runtime:
 *
 *   - printf is riscv-rt's printf.c and memcpy/memset its string.c,
 *     compiled for x86_64 (the same code as in the RISC-V guest); printf's
 *     character sink htif_putchar() is defined in rt.c to write the
 *     debugcon port 0xE9 instead of HTIF;
 *   - rt_heap_start()/rt_ram_end(): free RAM from the end of the image
 *     (page aligned, link.ld) to 128 MiB, Kiln's default RAM size, all of it
 *     identity-mapped by the stub;
 *   - rdinstret()/rdcycle() return 0: compare.py takes the instruction count
 *     from Kiln's --stats, and the workloads only print the difference.
 *
 * main() runs in 64-bit ring 0; its return value leaves through
 * isa-debug-exit at port 0xF4 (Kiln's exit status is then (value << 1) | 1).
 */
#ifndef KILN_BENCH_X86_RT_H
#define KILN_BENCH_X86_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

int putchar(int ch);
int puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

static inline uint64_t rdcycle(void)
{
    return 0;
}

static inline uint64_t rdinstret(void)
{
    return 0;
}

extern char _heap_start[];
extern char __ram_end[];

static inline void *rt_heap_start(void)
{
    return _heap_start;
}

static inline void *rt_ram_end(void)
{
    return __ram_end;
}

#endif
