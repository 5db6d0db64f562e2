/*
 * rt.h - everything a guest program built on riscv-rt may use: HTIF console
 * and exit, a small printf, the mem and str functions the compiler expects,
 * the cycle and instret counters, and the bounds of free RAM.
 *
 * main() is called as main(0, 0) in M-mode with the FPU enabled; its return
 * value becomes the emulator's exit status.  An unexpected trap prints
 * mcause/mepc/mtval and exits with status 3.
 */
#ifndef KILN_RT_H
#define KILN_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "htif.h"

/* Console output.  printf understands %d %i %u %x %X %c %s %p %%, the
   length modifiers l, ll and z, a field width (or *), and the flags 0 and -. */
int putchar(int ch);
int puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

/* What GCC may call even when compiling freestanding code. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Counters (the unprivileged CSRs cycle and instret, readable in M-mode). */
static inline uint64_t rdcycle(void)
{
    uint64_t v;
    __asm__ volatile("rdcycle %0" : "=r"(v));
    return v;
}

static inline uint64_t rdinstret(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

/* Free RAM: from the end of the image (page aligned) to the end of the RAM
   region in link.ld.  Nothing manages it; programs carve it up themselves. */
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

/* Called by the trap vector; prints the trap and exits with status 3. */
__attribute__((noreturn)) void rt_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval,
                                       uint64_t sp);

#endif
