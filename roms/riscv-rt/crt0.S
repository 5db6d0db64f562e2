/*
 * crt0.S - reset entry of Kiln's bare-metal RISC-V runtime (riscv-rt).
 *
 * Runs in M-mode straight out of reset at 0x80000000 (spike board, no
 * firmware).  Hart 0 sets up gp, the stack, the trap vector and the FPU,
 * clears .bss, calls main(0, 0) and hands main's return value to htif_exit().
 * Any other hart parks in a wfi loop.  This file also defines the HTIF
 * mailbox words `tohost` and `fromhost` (adjacent, 8-byte aligned, in their
 * own page) and the trap entry, which switches to a private stack and calls
 * rt_trap(mcause, mepc, mtval, old sp) - that never returns.
 */

#define MSTATUS_FS_DIRTY (3 << 13)

    .section .text.init, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    csrr    t0, mhartid
    bnez    t0, .Lpark

    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop

    la      sp, __stack_top

    la      t0, rt_trap_entry
    csrw    mtvec, t0

    /* Turn the FPU on so that compiled C may use F/D instructions. */
    li      t0, MSTATUS_FS_DIRTY
    csrs    mstatus, t0
    csrwi   fcsr, 0

    /* Clear .bss (the linker script keeps both ends 8-byte aligned). */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    li      a0, 0
    li      a1, 0
    call    main
    call    htif_exit           /* does not return */

.Lpark:
    wfi
    j       .Lpark
    .size _start, . - _start

/* Trap vector (direct mode, so it must be 4-byte aligned). */
    .text
    .balign 4
    .globl rt_trap_entry
    .type rt_trap_entry, @function
rt_trap_entry:
    mv      a3, sp
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __trap_stack_top
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    call    rt_trap
1:  j       1b
    .size rt_trap_entry, . - rt_trap_entry

/* HTIF mailbox: found by the emulator through these two symbol names. */
    .section .tohost, "aw", @progbits
    .balign 8
    .globl tohost
    .type tohost, @object
    .size tohost, 8
tohost:
    .dword 0
    .globl fromhost
    .type fromhost, @object
    .size fromhost, 8
fromhost:
    .dword 0
