/* Kiln privileged-architecture test helpers (include after test.h).
 *
 * Adds an S-mode trap handler that mirrors the M-mode one in test.h, the
 * page-table / PMP / interrupt constants the privileged tests need, and
 * macros to move between privilege modes.
 *
 * S-mode handler (`kiln_strap_handler`, installed in stvec by
 * KILN_PRIV_SETUP): it uses its own trap area `kiln_strap_area` (same layout
 * as the M-mode area, KT_*) through sscratch. Arm it with S_EXPECT_TRAP*;
 * it checks scause (and stval), records scause/stval/sepc/sstatus and
 * resumes after the faulting instruction (it reads the halfword at sepc, so
 * sepc must be readable from S-mode) or, with S_TRAP_RETURN(label), at
 * `label` in S-mode. A delegated interrupt (scause < 0) resumes at sepc after
 * clearing its sie enable bit (and its sip bit where writable).
 *
 * Extra harness codes: 245 unexpected S-mode trap, 246 armed S-mode trap
 * with the wrong scause, 247 wrong stval (same `code | n << 8` payload).
 *
 * The S-mode handler and the areas must be reachable at the same virtual
 * address as their physical one (identity mapping) when translation is on.
 */
#ifndef KILN_PRIV_H
#define KILN_PRIV_H

#define KILN_FAIL_S_UNEXPECTED 245
#define KILN_FAIL_S_CAUSE      246
#define KILN_FAIL_S_TVAL       247

/* ------------------------------------------------------------- CSR bits */
#define MSTATUS_SUM   (1 << 18)
#define MSTATUS_MXR   (1 << 19)
#define MSTATUS_TVM   (1 << 20)
#define MSTATUS_TW    (1 << 21)
#define MSTATUS_TSR   (1 << 22)

#define CAUSE_INSN_PAGE_FAULT  12
#define CAUSE_LOAD_PAGE_FAULT  13
#define CAUSE_STORE_PAGE_FAULT 15
#define CAUSE_INTR             (1 << 63)
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define MIP_SSIP (1 << IRQ_SSI)
#define MIP_STIP (1 << IRQ_STI)
#define MIP_SEIP (1 << IRQ_SEI)

#define SATP_MODE_SV39 (8 << 60)
#define SATP_MODE_SV48 (9 << 60)
#define SATP_MODE_SV57 (10 << 60)

/* Page-table entry bits */
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define PTE_RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define PTE_RW_AD  (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

/* pmpcfg byte */
#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_OFF   0x00
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

/* --------------------------------------------------- page tables */
/* Zeroes `n` 4 KiB pages from `label` (uses a1, a2). */
#define ZERO_PAGES(label, n) \
    la a1, label; li a2, (n) * 4096 / 8; \
1:  sd zero, 0(a1); addi a1, a1, 8; addi a2, a2, -1; bnez a2, 1b
/* table[idx] = PTE(pa in pareg, flags) (M-mode, physical) */
#define SET_PTE(table, idx, pareg, flags) \
    srli t1, pareg, 12; slli t1, t1, 10; li t2, flags; or t1, t1, t2; \
    la t0, table; li t2, (idx) * 8; add t0, t0, t2; sd t1, 0(t0)
/* reg = address of table[idx] */
#define PTE_ADDR(reg, table, idx) la reg, table; li t0, (idx) * 8; add reg, reg, t0
/* satp = mode | root's PPN, then sfence.vma (a1 = the satp value) */
#define SATP_ON(mode, root) \
    la a1, root; srli a1, a1, 12; li t0, mode; or a1, a1, t0; csrw satp, a1; sfence.vma

/* -------------------------------------------------------- set-up */
/* stvec = S handler, sscratch = S trap area. */
#define KILN_PRIV_SETUP \
    la t0, kiln_strap_handler; csrw stvec, t0; \
    la t0, kiln_strap_area; csrw sscratch, t0

/* PMP entry 0 grants everything to S and U (NAPOT over the whole space);
 * sfence.vma after PMP writes, as the privileged spec requires (3.7.2). */
#define PMP_ALLOW_ALL \
    li t0, -1; csrw pmpaddr0, t0; li t0, PMP_NAPOT | PMP_R | PMP_W | PMP_X; \
    csrw pmpcfg0, t0; csrw pmpcfg2, zero; sfence.vma

/* ------------------------------------------------------ mode switches */
/* M-mode: enter mode (MSTATUS_MPP_S / _U) at address in register reg. */
#define M_ENTER_REG(mode, reg) \
    li t0, MSTATUS_MPP; csrc mstatus, t0; li t0, mode; csrs mstatus, t0; \
    csrw mepc, reg; mret
#define M_ENTER(mode, label) la t1, label; M_ENTER_REG(mode, t1)
/* S-mode: enter U-mode (spp = 0) or S-mode (spp = 1) at register reg. */
#define S_ENTER_U_REG(reg) \
    li t0, MSTATUS_SPP; csrc sstatus, t0; csrw sepc, reg; sret
#define S_ENTER_U(label) la t1, label; S_ENTER_U_REG(t1)
/* From S- or U-mode, go back to M-mode at `label` (ecall from S/U is not
 * delegated while this is used). */
#define S_BACK_TO_M(cause, label) \
    EXPECT_TRAP(cause); TRAP_RETURN_M(label); ecall; j kiln_fail

/* ------------------------------------------------ S-mode expected traps */
#define S_EXPECT_TRAP_MODE(cause, mode) \
    la t6, kiln_strap_area; \
    li t5, cause; sd t5, KT_CAUSE(t6); \
    li t5, mode; sd t5, KT_TVAL_MODE(t6); \
    li t5, 1; sd t5, KT_ARMED(t6)
#define S_EXPECT_TRAP(cause) S_EXPECT_TRAP_MODE(cause, 0)
#define S_EXPECT_TRAP_TVAL(cause, reg) \
    la t6, kiln_strap_area; sd reg, KT_TVAL(t6); S_EXPECT_TRAP_MODE(cause, 1)
/* stval must equal `reg` or be zero */
#define S_EXPECT_TRAP_TVAL_OR_ZERO(cause, reg) \
    la t6, kiln_strap_area; sd reg, KT_TVAL(t6); S_EXPECT_TRAP_MODE(cause, 2)
/* Resume at `label` in S-mode instead of after the faulting instruction. */
#define S_TRAP_RETURN(label) \
    la t6, kiln_strap_area; la t5, label; sd t5, KT_RETURN_M(t6)
#define S_CHECK_TRAPPED(n) \
    KILN_TESTNUM(n); \
    la t6, kiln_strap_area; ld t6, KT_ARMED(t6); \
    beqz t6, 900f; mv a4, t6; li t2, 0; j kiln_fail; 900:
#define S_TRAP_LAST(reg, field) \
    la t6, kiln_strap_area; ld reg, field(t6)
#define S_DISARM_TRAP \
    la t6, kiln_strap_area; sd zero, KT_ARMED(t6); sd zero, KT_RETURN_M(t6)

/* Check that the last trap of `area` (kiln_trap_area / kiln_strap_area)
 * recorded field == expected (a register). */
#define CHECK_LAST(n, area, field, expreg) \
    KILN_TESTNUM(n); la t6, area; ld a4, field(t6); mv t2, expreg; \
    KILN_FAIL_IF_NE(a4, t2)
/* Same for an immediate expected value. */
#define CHECK_LAST_I(n, area, field, expected) \
    KILN_TESTNUM(n); li t2, expected; la t6, area; ld a4, field(t6); \
    KILN_FAIL_IF_NE(a4, t2)
/* Check (last status & mask) == expected. */
#define CHECK_LAST_STATUS(n, area, mask, expected) \
    KILN_TESTNUM(n); la t6, area; ld a4, KT_LAST_MSTATUS(t6); \
    li t2, mask; and a4, a4, t2; li t2, expected; KILN_FAIL_IF_NE(a4, t2)

/* ------------------------------------------------------- the handler */
/* Emit once, after KILN_CODE_END (it is code, plus its data area). */
#define KILN_PRIV_HANDLERS \
    .option push; .option norvc; \
    .align 2; \
kiln_strap_handler: \
    csrrw sp, sscratch, sp; \
    sd t0, KT_SAVE_T0(sp); sd t1, KT_SAVE_T1(sp); sd t2, KT_SAVE_T2(sp); \
    csrr t0, scause; sd t0, KT_LAST_CAUSE(sp); \
    csrr t1, stval; sd t1, KT_LAST_TVAL(sp); \
    csrr t1, sepc; sd t1, KT_LAST_EPC(sp); \
    csrr t1, sstatus; sd t1, KT_LAST_MSTATUS(sp); \
    ld t1, KT_COUNT(sp); addi t1, t1, 1; sd t1, KT_COUNT(sp); \
    ld t1, KT_ARMED(sp); \
    bnez t1, 1f; \
    li t0, KILN_FAIL_S_UNEXPECTED; j kiln_harness_fail; \
1:  sd zero, KT_ARMED(sp); \
    ld t1, KT_CAUSE(sp); \
    beq t0, t1, 1f; \
    li t0, KILN_FAIL_S_CAUSE; j kiln_harness_fail; \
1:  ld t2, KT_TVAL_MODE(sp); \
    beqz t2, 2f; \
    ld t0, KT_LAST_TVAL(sp); ld t1, KT_TVAL(sp); \
    beq t0, t1, 2f; \
    li t1, 2; bne t2, t1, 1f; \
    beqz t0, 2f; \
1:  li t0, KILN_FAIL_S_TVAL; j kiln_harness_fail; \
2:  ld t0, KT_LAST_CAUSE(sp); bgez t0, 3f; \
    /* interrupt: disable it and clear it if S can, resume at sepc */ \
    li t1, 1; sll t1, t1, t0; csrc sie, t1; csrc sip, t1; j 4f; \
3:  ld t0, KT_RETURN_M(sp); \
    beqz t0, 3f; \
    sd zero, KT_RETURN_M(sp); \
    csrw sepc, t0; \
    li t1, MSTATUS_SPP; csrs sstatus, t1; \
    j 4f; \
3:  csrr t0, sepc; lhu t1, 0(t0); andi t1, t1, 3; li t2, 3; \
    addi t0, t0, 2; bne t1, t2, 5f; addi t0, t0, 2; \
5:  csrw sepc, t0; \
4:  ld t0, KT_SAVE_T0(sp); ld t1, KT_SAVE_T1(sp); ld t2, KT_SAVE_T2(sp); \
    csrrw sp, sscratch, sp; \
    sret; \
    .option pop; \
    .pushsection .data; \
    .align 6; .globl kiln_strap_area; kiln_strap_area: .zero KT_SIZE; \
    .popsection

#endif /* KILN_PRIV_H */
