/*
 * rt.h (host) - stands in for roms/riscv-rt/rt.h when a bench/riscv workload
 * is compiled for the host, so the same C source gives the "native" column
 * of bench/run.sh.  It offers what the workloads use from the guest runtime:
 *
 *   - printf and the mem functions come from the C library's declarations;
 *     the mem functions themselves are riscv-rt's string.c compiled for the
 *     host (see CMakeLists.txt), so memcopy copies with the same loop as in
 *     the guest rather than with the C library's vectorized memcpy;
 *   - rt_heap_start()/rt_ram_end() bound one 128 MiB block (the guest's RAM
 *     size; the guest's free RAM is that minus the image), page aligned like
 *     the guest heap, allocated on first use;
 *   - rdinstret()/rdcycle() return 0: the host has no instruction counter
 *     a process can read, and the workloads only print the difference.
 */
#ifndef KILN_BENCH_NATIVE_RT_H
#define KILN_BENCH_NATIVE_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static inline uint64_t rdcycle(void)
{
    return 0;
}

static inline uint64_t rdinstret(void)
{
    return 0;
}

void *rt_heap_start(void);
void *rt_ram_end(void);

#endif
