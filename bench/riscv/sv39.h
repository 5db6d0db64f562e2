/*
 * sv39.h - run a bare-metal workload in S-mode under Sv39 paging.
 *
 * riscv-rt starts main() in M-mode with translation off.  sv39_run() builds
 * page tables at the top of RAM that identity-map all of RAM (code, data,
 * stacks, the HTIF tohost/fromhost page and the heap) with leaf pages of the
 * chosen size, opens PMP and the counters to S-mode, turns on Sv39, drops to
 * S-mode to run a function there and exits with its result.  Every PTE has A and D set, so the walk never takes
 * an A/D-update fault; traps are not delegated, so any fault still ends in
 * riscv-rt's M-mode handler (exit status 3).
 */
#ifndef KILN_BENCH_SV39_H
#define KILN_BENCH_SV39_H

#include "rt.h"

enum sv39_leaf {
    SV39_LEAF_4K = 12, /* level-0 leaves: 512 PTEs per 2 MiB */
    SV39_LEAF_2M = 21, /* level-1 leaves (megapages) */
};

/* Call from M-mode (main).  Runs fn(free_end) in S-mode on the current
   stack, where free_end is the lowest byte of the page tables (free RAM is
   now rt_heap_start() up to there), and exits with fn's return value. */
__attribute__((noreturn)) void sv39_run(enum sv39_leaf leaf, int (*fn)(void *free_end));

#endif
