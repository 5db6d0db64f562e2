/* M-mode trap essentials: ecall (M/S/U), ebreak and c.ebreak, illegal
 * instructions, odd jump targets, trap entry and mret mstatus updates, and
 * the bare-metal dance into S- and U-mode (PMP all-access, satp = 0, no
 * delegation, mstatus.MPP, mepc, mret) with traps back to M. */
#include "test.h"

/* Enter `mode` (MSTATUS_MPP_U / MSTATUS_MPP_S) at `label` via mret. */
#define ENTER_MODE(mode, label) \
    li t0, MSTATUS_MPP; csrc mstatus, t0; li t0, mode; csrs mstatus, t0; \
    la t0, label; csrw mepc, t0; mret

KILN_CODE_BEGIN

    /* ---- ecall / ebreak from M-mode: mepc is the trapping instruction */
    TEST_TRAP_AT(1, CAUSE_ECALL_M, 1b, 1: ecall)
    TEST_TRAP_AT(2, CAUSE_BREAKPOINT, 1b, 1: ebreak)
    TEST_TRAP_AT(3, CAUSE_BREAKPOINT, 1b, .option push; .option rvc; 1: c.ebreak; .option pop)
    /* execution resumed right after the 2-byte c.ebreak */
    TEST_CASE(4, a4, 5, li a4, 0; EXPECT_TRAP(CAUSE_BREAKPOINT); \
              .option push; .option rvc; c.ebreak; c.li a4, 5; .option pop)
    /* ---- illegal instructions (mtval is 0 or the instruction) */
#define ILLEGAL32(n, enc) \
    KILN_TESTNUM(n); li a5, enc; EXPECT_TRAP_TVAL_OR_ZERO(CAUSE_ILLEGAL_INSN, a5); \
    .word enc; CHECK_TRAPPED(n)
    ILLEGAL32(5, 0xfe000033)          /* OP with funct7 = 0x7f */
    ILLEGAL32(6, 0x0000603b)          /* OP-32 funct3 = 6 funct7 = 0 */
    ILLEGAL32(7, 0x00002063)          /* BRANCH funct3 = 2 */
    ILLEGAL32(8, 0x00003003 | (7 << 12)) /* LOAD funct3 = 7 */
    ILLEGAL32(9, 0x00004023)          /* STORE funct3 = 4 */
    TEST_TRAP_AT(10, CAUSE_ILLEGAL_INSN, 1b, 1: csrr a4, 0x0ff)
    /* registers are not written by a trapping instruction */
    TEST_CASE(11, a4, 0x77, li a4, 0x77; EXPECT_TRAP(CAUSE_ILLEGAL_INSN); \
              .word 0xfe000733 /* rd = a4 */; CHECK_TRAPPED(11))

    /* ---- jumping to an odd address clears bit 0, no fault */
    TEST_CASE(12, a4, 1, li a4, 0; la a1, 1f; addi a1, a1, 1; jr a1; j kiln_fail; \
              1: li a4, 1)

    /* ---- trap entry: MPIE <- MIE, MIE <- 0, MPP <- M (mie = 0 so no
     * interrupt can be taken while MIE is set) */
    csrw mie, zero
    csrsi mstatus, MSTATUS_MIE
    TEST_TRAP(13, CAUSE_ECALL_M, ecall)
    TEST_CASE(14, a4, MSTATUS_MPIE | MSTATUS_MPP_M, TRAP_LAST(a5, KT_LAST_MSTATUS); \
              li a4, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP; and a4, a4, a5)
    csrci mstatus, MSTATUS_MIE

    /* ---- mret: MIE <- MPIE, MPIE <- 1, MPP <- U (least privileged mode) */
    TEST_CASE(15, a4, MSTATUS_MIE | MSTATUS_MPIE, \
              li t0, MSTATUS_MPIE | MSTATUS_MPP; csrs mstatus, t0; csrci mstatus, MSTATUS_MIE; \
              la t0, 1f; csrw mepc, t0; mret; j kiln_fail; \
              1: csrr a5, mstatus; li a4, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP; \
              and a4, a4, a5)
    csrci mstatus, MSTATUS_MIE
    TEST_CASE(16, a4, MSTATUS_MPIE, \
              li t0, MSTATUS_MPIE; csrc mstatus, t0; li t0, MSTATUS_MPP; csrs mstatus, t0; \
              la t0, 1f; csrw mepc, t0; mret; j kiln_fail; \
              1: csrr a5, mstatus; li a4, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP; \
              and a4, a4, a5)

    /* ---- bare-metal set-up for lower privilege modes */
    li t0, -1; csrw pmpaddr0, t0
    li t0, 0x1f; csrw pmpcfg0, t0        /* NAPOT | X | W | R, whole space */
    csrw satp, zero
    csrw medeleg, zero
    csrw mideleg, zero

    /* ---- U-mode ecall -> M, mcause 8, MPP records U */
    KILN_TESTNUM(17)
    EXPECT_TRAP(CAUSE_ECALL_U); TRAP_RETURN_M(17f)
    ENTER_MODE(MSTATUS_MPP_U, user_ecall)
17: CHECK_TRAPPED(17)
    TEST_CASE(18, a4, MSTATUS_MPP_U, TRAP_LAST(a5, KT_LAST_MSTATUS); \
              li a4, MSTATUS_MPP; and a4, a4, a5)
    TEST_CASE(19, a4, 0, TRAP_LAST(a5, KT_LAST_EPC); la a4, user_ecall_insn; sub a4, a4, a5)
    /* the U-mode code ran (it wrote memory through the PMP region) */
    TEST_CASE(20, a4, 0x5555, la a1, umem; ld a4, 0(a1))

    /* ---- S-mode ecall -> M, mcause 9, MPP records S */
    KILN_TESTNUM(21)
    EXPECT_TRAP(CAUSE_ECALL_S); TRAP_RETURN_M(21f)
    ENTER_MODE(MSTATUS_MPP_S, super_ecall)
21: CHECK_TRAPPED(21)
    TEST_CASE(22, a4, MSTATUS_MPP_S, TRAP_LAST(a5, KT_LAST_MSTATUS); \
              li a4, MSTATUS_MPP; and a4, a4, a5)
    TEST_CASE(23, a4, 0x6666, la a1, umem; ld a4, 0(a1))

    /* ---- privileged instructions / CSRs from lower modes are illegal */
    KILN_TESTNUM(24)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN); TRAP_RETURN_M(24f)
    ENTER_MODE(MSTATUS_MPP_U, user_csr)
24: CHECK_TRAPPED(24)
    KILN_TESTNUM(25)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN); TRAP_RETURN_M(25f)
    ENTER_MODE(MSTATUS_MPP_U, user_mret)
25: CHECK_TRAPPED(25)
    KILN_TESTNUM(26)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN); TRAP_RETURN_M(26f)
    ENTER_MODE(MSTATUS_MPP_S, super_csr)
26: CHECK_TRAPPED(26)
    KILN_TESTNUM(27)
    EXPECT_TRAP(CAUSE_BREAKPOINT); TRAP_RETURN_M(27f)
    ENTER_MODE(MSTATUS_MPP_U, user_ebreak)
27: CHECK_TRAPPED(27)
    TEST_CASE(28, a4, MSTATUS_MPP_U, TRAP_LAST(a5, KT_LAST_MSTATUS); \
              li a4, MSTATUS_MPP; and a4, a4, a5)
    /* U-mode FP works when mstatus.FS != Off */
    KILN_TESTNUM(29)
    EXPECT_TRAP(CAUSE_ECALL_U); TRAP_RETURN_M(29f)
    ENTER_MODE(MSTATUS_MPP_U, user_fp)
29: CHECK_TRAPPED(29)
    TEST_CASE(30, a4, 0x40400000, la a1, umem; lwu a4, 8(a1))

    /* M-mode still works after all this */
    TEST_TRAP(31, CAUSE_ECALL_M, ecall)

KILN_CODE_END

    .align 2
user_ecall:
    la a1, umem
    li a2, 0x5555
    sd a2, 0(a1)
user_ecall_insn:
    ecall
    j kiln_fail
super_ecall:
    la a1, umem
    li a2, 0x6666
    sd a2, 0(a1)
    ecall
    j kiln_fail
user_csr:
    csrr a0, mstatus
    j kiln_fail
user_mret:
    mret
    j kiln_fail
super_csr:
    csrr a0, mscratch
    j kiln_fail
user_ebreak:
    ebreak
    j kiln_fail
user_fp:
    li a1, 0x3f800000
    fmv.w.x f1, a1
    fadd.s f2, f1, f1
    fadd.s f2, f2, f1
    la a1, umem
    fsw f2, 8(a1)
    ecall
    j kiln_fail

    .data
    .align 4
umem:
    .dword 0, 0
