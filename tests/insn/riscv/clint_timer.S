/*
 * CLINT timer and software interrupts on the spike board (CLINT at 0x2000000,
 * mtimecmp at +0x4000, mtime at +0xbff8, msip at +0): mtime advances and the
 * `time` CSR follows it; an armed mtimecmp wakes a hart sleeping in WFI with a
 * machine timer interrupt (mcause = 1 << 63 | 7); msip raises a machine
 * software interrupt (cause 3); a pending interrupt waits while mstatus.MIE
 * is clear and is taken as soon as it is set.
 */
#include "test.h"

#define CLINT     0x2000000
#define MSIP      (CLINT + 0x0)
#define MTIMECMP  (CLINT + 0x4000)
#define MTIME     (CLINT + 0xbff8)
#define MIP_MTIP  0x80
#define MIE_MSIE  0x8
#define MIE_MTIE  0x80
#define INT_BIT   (1 << 63)

KILN_CODE_BEGIN
    la t0, irq_handler
    csrw mtvec, t0
    li s1, 0                     /* interrupts taken */
    li s2, 0                     /* last mcause */

    /* 1: mtime advances */
    TEST_CASE(1, a4, 1, li t0, MTIME; ld a1, 0(t0); li a3, 20000; 1: addi a3, a3, -1; bnez a3, 1b; \
              ld a2, 0(t0); sltu a4, a1, a2)
    /* 2: the time CSR reads mtime (never behind a value read before it) */
    TEST_CASE(2, a4, 0, li t0, MTIME; ld a1, 0(t0); rdtime a2; sltu a4, a2, a1)

    /* 3, 4: WFI sleeps until mtimecmp (mtime + 1 ms) fires a machine timer interrupt */
    li t0, MTIME; ld a1, 0(t0); li a2, 10000; add a1, a1, a2
    li t0, MTIMECMP; sd a1, 0(t0)
    li t0, MIE_MTIE; csrw mie, t0
    /* Race-free wait: with MIE clear, check the flag, then WFI (it wakes on a
     * pending interrupt even while masked), then open MIE to take it. Enabling
     * MIE before WFI would lose a deadline that passes first and sleep forever. */
2:  bnez s1, 6f
    wfi
    csrsi mstatus, MSTATUS_MIE
    csrci mstatus, MSTATUS_MIE
    j 2b
6:
    TEST_CASE(3, s1, 1, nop)
    TEST_CASE(4, s2, INT_BIT | 7, nop)
    /* 5: the interrupt came no earlier than the deadline */
    TEST_CASE(5, a4, 0, li t0, MTIME; ld a2, 0(t0); sltu a4, a2, a1)

    /* 6, 7: a pending timer interrupt waits while MIE = 0 ... */
    li t0, MTIMECMP; sd zero, 0(t0)
    TEST_CASE(6, a4, MIP_MTIP, csrr a4, mip; andi a4, a4, MIP_MTIP)
    TEST_CASE(7, s1, 1, li a3, 1000; 3: addi a3, a3, -1; bnez a3, 3b)
    /* 8: ... and is taken right after MIE is set */
    TEST_CASE(8, s1, 2, csrsi mstatus, MSTATUS_MIE; nop; csrci mstatus, MSTATUS_MIE)

    /* 9, 10: msip raises a machine software interrupt */
    li t0, MIE_MSIE; csrw mie, t0
    csrsi mstatus, MSTATUS_MIE
    li t0, MSIP; li t1, 1; sw t1, 0(t0)
    li a3, 100000                /* taken "eventually": wait for it, boundedly */
4:  addi a3, a3, -1
    beqz a3, 5f
    li t1, 3
    bne s1, t1, 4b
5:  csrci mstatus, MSTATUS_MIE
    TEST_CASE(9, s1, 3, nop)
    TEST_CASE(10, s2, INT_BIT | 3, nop)
KILN_CODE_END

/* Records the cause and quiets the source: mtimecmp to the far future, msip to 0. */
    .balign 4
irq_handler:
    csrr s2, mcause
    addi s1, s1, 1
    li t5, MTIMECMP; li t6, -1; sd t6, 0(t5)
    li t5, MSIP; sw zero, 0(t5)
    mret
