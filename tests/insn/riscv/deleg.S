/* Trap delegation (medeleg) and the mstatus trap controls (TSR, TW, TVM),
 * with satp = Bare and PMP granting everything:
 *  - medeleg[11] (ecall from M) is read-only zero;
 *  - a delegated trap from U lands in stvec with scause, sepc, stval and
 *    SPP = 0, SPIE = old SIE, SIE = 0; mcause/mepc are untouched and M sees
 *    no trap; sret returns to U (or S) and sets SPIE, clears SPP;
 *  - ecall from S goes to M unless medeleg[9] delegates it to S (a trap
 *    never goes to a less privileged mode: traps from M stay in M whatever
 *    medeleg says);
 *  - illegal instructions delegated from U and S;
 *  - sret in U, mret in S, wfi in U: illegal; TSR makes sret in S illegal,
 *    TW makes wfi in S illegal, TVM makes sfence.vma and satp accesses in S
 *    illegal; none of them affects M-mode.
 */
#include "test.h"
#include "priv.h"

#define DELEG_BASE ((1 << CAUSE_ILLEGAL_INSN) | (1 << CAUSE_ECALL_U))
#define SSTATUS_BITS (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE)
/* Leave S/U for M through a breakpoint (never delegated here). */
#define BACK_TO_M_EBREAK(label) \
    EXPECT_TRAP(CAUSE_BREAKPOINT); TRAP_RETURN_M(label); ebreak; j kiln_fail
/* Set / clear mstatus bits with a constant that does not fit csrsi. */
#define MSTATUS_SET(bits) li t0, bits; csrs mstatus, t0
#define MSTATUS_CLR(bits) li t0, bits; csrc mstatus, t0
#define SSTATUS_SET(bits) li t0, bits; csrs sstatus, t0
#define SSTATUS_CLR(bits) li t0, bits; csrc sstatus, t0

KILN_CODE_BEGIN
    KILN_PRIV_SETUP
    PMP_ALLOW_ALL
    csrw satp, zero
    csrw mideleg, zero
    csrw mie, zero

    /* ---- medeleg is WARL; ecall-from-M cannot be delegated: medeleg[11]
     * is read-only zero (QEMU 7.2 lets it be set) */
    li t0, -1; csrw medeleg, t0
#ifndef KILN_QEMU_QUIRKS
    TEST_CASE(1, a4, 0, csrr a4, medeleg; srli a4, a4, CAUSE_ECALL_M; andi a4, a4, 1)
#endif
    /* (the causes this test delegates are delegable on this hart) */
    TEST_CASE(2, a4, 0x304, csrr a4, medeleg; andi a4, a4, 0x304)
    li t0, DELEG_BASE; csrw medeleg, t0
    TEST_CASE(3, a4, DELEG_BASE, csrr a4, medeleg)

    TRAP_LAST(s1, KT_COUNT)                 /* M-mode traps so far */
    M_ENTER(MSTATUS_MPP_S, s_a)
s_a:
    /* ---- ecall from U with SIE = 1 in U (sret copies SPIE into SIE) */
    KILN_TESTNUM(4)
    SSTATUS_SET(MSTATUS_SPIE); csrci sstatus, MSTATUS_SIE
    S_EXPECT_TRAP(CAUSE_ECALL_U); S_TRAP_RETURN(2f)
    S_ENTER_U(u_ecall)
2:  S_CHECK_TRAPPED(4)
    csrci sstatus, MSTATUS_SIE
    la a1, u_ecall
    CHECK_LAST(5, kiln_strap_area, KT_LAST_EPC, a1)
    CHECK_LAST_STATUS(6, kiln_strap_area, SSTATUS_BITS, MSTATUS_SPIE)
    CHECK_LAST_I(7, kiln_strap_area, KT_LAST_TVAL, 0)
    /* ---- the same with SIE = 0 in U */
    KILN_TESTNUM(8)
    SSTATUS_CLR(MSTATUS_SPIE)
    S_EXPECT_TRAP(CAUSE_ECALL_U); S_TRAP_RETURN(2f)
    S_ENTER_U(u_ecall)
2:  S_CHECK_TRAPPED(8)
    CHECK_LAST_STATUS(9, kiln_strap_area, SSTATUS_BITS, 0)
    /* ---- sret (to S here): SIE <- SPIE, SPIE <- 1, SPP <- U */
    TEST_CASE(10, a4, MSTATUS_SIE | MSTATUS_SPIE, \
              SSTATUS_SET(MSTATUS_SPP | MSTATUS_SPIE); csrci sstatus, MSTATUS_SIE; \
              la t0, 1f; csrw sepc, t0; sret; j kiln_fail; \
              1: csrr a4, sstatus; andi a4, a4, SSTATUS_BITS)
    csrci sstatus, MSTATUS_SIE
    /* ---- ecall from S, medeleg[9] = 0: to M */
    KILN_TESTNUM(11)
    EXPECT_TRAP(CAUSE_ECALL_S); TRAP_RETURN_M(m_b)
s_ecall1:
    ecall
    j kiln_fail
m_b:
    CHECK_TRAPPED(11)
    la a1, s_ecall1
    CHECK_LAST(12, kiln_trap_area, KT_LAST_EPC, a1)
    CHECK_LAST_STATUS(13, kiln_trap_area, MSTATUS_MPP, MSTATUS_MPP_S)
    /* the delegated traps did not go through M: only this ecall did */
    TEST_CASE(14, a4, 1, TRAP_LAST(a4, KT_COUNT); sub a4, a4, s1)

    /* ---- medeleg[9] = 1: ecall from S is taken in S */
    li t0, DELEG_BASE | (1 << CAUSE_ECALL_S); csrw medeleg, t0
    TRAP_LAST(s1, KT_COUNT)
    M_ENTER(MSTATUS_MPP_S, s_c)
s_c:
    KILN_TESTNUM(15)
    S_EXPECT_TRAP(CAUSE_ECALL_S)
s_ecall2:
    ecall
    S_CHECK_TRAPPED(15)
    la a1, s_ecall2
    CHECK_LAST(16, kiln_strap_area, KT_LAST_EPC, a1)
    CHECK_LAST_STATUS(17, kiln_strap_area, MSTATUS_SPP, MSTATUS_SPP)
    /* ---- illegal instruction in S (mret), delegated; SIE = 1 before */
    csrsi sstatus, MSTATUS_SIE
    KILN_TESTNUM(18)
    li a1, 0x30200073
    S_EXPECT_TRAP_TVAL_OR_ZERO(CAUSE_ILLEGAL_INSN, a1)
s_mret:
    mret
    S_CHECK_TRAPPED(18)
    csrci sstatus, MSTATUS_SIE
    CHECK_LAST_STATUS(19, kiln_strap_area, SSTATUS_BITS, MSTATUS_SPP | MSTATUS_SPIE)
    la a1, s_mret
    CHECK_LAST(20, kiln_strap_area, KT_LAST_EPC, a1)
    /* ---- illegal instructions in U, delegated: sret, wfi, an S CSR */
    KILN_TESTNUM(21)
    S_EXPECT_TRAP(CAUSE_ILLEGAL_INSN); S_TRAP_RETURN(2f)
    S_ENTER_U(u_sret)
2:  S_CHECK_TRAPPED(21)
    la a1, u_sret
    CHECK_LAST(22, kiln_strap_area, KT_LAST_EPC, a1)
    CHECK_LAST_STATUS(23, kiln_strap_area, MSTATUS_SPP, 0)
    KILN_TESTNUM(24)
    S_EXPECT_TRAP(CAUSE_ILLEGAL_INSN); S_TRAP_RETURN(2f)
    S_ENTER_U(u_wfi)
2:  S_CHECK_TRAPPED(24)
    KILN_TESTNUM(25)
    S_EXPECT_TRAP(CAUSE_ILLEGAL_INSN); S_TRAP_RETURN(2f)
    S_ENTER_U(u_csr)
2:  S_CHECK_TRAPPED(25)
    /* U's ecall is still delegated */
    KILN_TESTNUM(26)
    S_EXPECT_TRAP(CAUSE_ECALL_U); S_TRAP_RETURN(2f)
    S_ENTER_U(u_ecall)
2:  S_CHECK_TRAPPED(26)
    /* nothing of this reached M */
    BACK_TO_M_EBREAK(m_d)
m_d:
    TEST_CASE(27, a4, 1, TRAP_LAST(a4, KT_COUNT); sub a4, a4, s1)

    /* ---- traps from M stay in M whatever medeleg says */
    li t0, -1; csrw medeleg, t0
    TEST_TRAP(28, CAUSE_ECALL_M, ecall)
    TEST_TRAP(29, CAUSE_ILLEGAL_INSN, csrr a4, 0x0ff)
    TEST_TRAP(30, CAUSE_BREAKPOINT, ebreak)
    li t0, 1 << CAUSE_ECALL_U; csrw medeleg, t0   /* illegal -> M from here */

    /* ================= TSR ================= */
    MSTATUS_SET(MSTATUS_TSR)
    KILN_TESTNUM(31)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN); TRAP_RETURN_M(2f)
    M_ENTER(MSTATUS_MPP_S, s_sret)
2:  CHECK_TRAPPED(31)
    la a1, s_sret_insn
    CHECK_LAST(32, kiln_trap_area, KT_LAST_EPC, a1)
    CHECK_LAST_STATUS(33, kiln_trap_area, MSTATUS_MPP, MSTATUS_MPP_S)
    /* TSR does not restrict M: sret from M goes to S (SPP = 1) */
    KILN_TESTNUM(34)
    EXPECT_TRAP(CAUSE_ECALL_S); TRAP_RETURN_M(2f)
    MSTATUS_SET(MSTATUS_SPP)
    la t0, s_ecall_only; csrw sepc, t0
    sret
    j kiln_fail
2:  CHECK_TRAPPED(34)
    CHECK_LAST_STATUS(35, kiln_trap_area, MSTATUS_MPP, MSTATUS_MPP_S)
    /* TSR = 0: sret in S works */
    MSTATUS_CLR(MSTATUS_TSR)
    KILN_TESTNUM(36)
    EXPECT_TRAP(CAUSE_ECALL_S); TRAP_RETURN_M(2f)
    M_ENTER(MSTATUS_MPP_S, s_sret)
2:  CHECK_TRAPPED(36)
    la a1, s_sret_target
    CHECK_LAST(37, kiln_trap_area, KT_LAST_EPC, a1)
    /* mret in S is illegal (not delegated now: taken in M) */
    KILN_TESTNUM(38)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN); TRAP_RETURN_M(2f)
    M_ENTER(MSTATUS_MPP_S, s_mret2)
2:  CHECK_TRAPPED(38)

    /* ================= TW ================= */
    /* an interrupt pending and enabled in mie (but delegated, with SIE = 0,
     * so never taken here) lets a non-trapping wfi finish at once */
    li t0, MIP_SSIP; csrw mideleg, t0; csrw mie, t0; csrs mip, t0
    csrci mstatus, MSTATUS_SIE
    MSTATUS_SET(MSTATUS_TW)
    KILN_TESTNUM(39)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN); TRAP_RETURN_M(2f)
    M_ENTER(MSTATUS_MPP_S, s_wfi)
2:  CHECK_TRAPPED(39)
    la a1, s_wfi
    CHECK_LAST(40, kiln_trap_area, KT_LAST_EPC, a1)
    /* TW does not affect M-mode */
    TEST_CASE(41, a4, 1, li a4, 0; wfi; li a4, 1)
    /* TW = 0: wfi in S completes, the next instruction (ecall) runs */
    MSTATUS_CLR(MSTATUS_TW)
    KILN_TESTNUM(42)
    EXPECT_TRAP(CAUSE_ECALL_S); TRAP_RETURN_M(2f)
    M_ENTER(MSTATUS_MPP_S, s_wfi)
2:  CHECK_TRAPPED(42)
    la a1, s_wfi; addi a1, a1, 4
    CHECK_LAST(43, kiln_trap_area, KT_LAST_EPC, a1)
    li t0, MIP_SSIP; csrc mip, t0; csrw mie, zero; csrw mideleg, zero
    /* wfi in U is illegal (TW = 1 and TW = 0) */
    MSTATUS_SET(MSTATUS_TW)
    KILN_TESTNUM(44)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN); TRAP_RETURN_M(2f)
    M_ENTER(MSTATUS_MPP_U, u_wfi)
2:  CHECK_TRAPPED(44)
    MSTATUS_CLR(MSTATUS_TW)
    KILN_TESTNUM(45)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN); TRAP_RETURN_M(2f)
    M_ENTER(MSTATUS_MPP_U, u_wfi)
2:  CHECK_TRAPPED(45)
    CHECK_LAST_STATUS(46, kiln_trap_area, MSTATUS_MPP, MSTATUS_MPP_U)

    /* ================= TVM ================= */
    li t0, DELEG_BASE; csrw medeleg, t0           /* illegal -> S again */
    MSTATUS_SET(MSTATUS_TVM)
    M_ENTER(MSTATUS_MPP_S, s_tvm)
s_tvm:
    TEST_CASE(47, a4, 0x4747, li a4, 0x4747; S_EXPECT_TRAP(CAUSE_ILLEGAL_INSN); \
              csrr a4, satp; S_CHECK_TRAPPED(47))
    KILN_TESTNUM(48); S_EXPECT_TRAP(CAUSE_ILLEGAL_INSN); csrw satp, zero; S_CHECK_TRAPPED(48)
    KILN_TESTNUM(49); S_EXPECT_TRAP(CAUSE_ILLEGAL_INSN); sfence.vma; S_CHECK_TRAPPED(49)
    KILN_TESTNUM(50); S_EXPECT_TRAP(CAUSE_ILLEGAL_INSN); li a1, 0x1000; \
              sfence.vma a1, zero; S_CHECK_TRAPPED(50)
    /* other S CSRs are unaffected */
    TEST_CASE(51, a4, 0x5151, li a1, 0x5151; csrw sscratch, a1; csrr a4, sscratch)
    S_BACK_TO_M(CAUSE_ECALL_S, m_tvm)
m_tvm:
    /* TVM does not restrict M */
    TEST_CASE(52, a4, 0, csrr a4, satp; sfence.vma)
    MSTATUS_CLR(MSTATUS_TVM)
    M_ENTER(MSTATUS_MPP_S, s_notvm)
s_notvm:
    TEST_CASE(53, a4, 0, li a4, 1; csrr a4, satp; sfence.vma; csrw satp, zero)
    S_BACK_TO_M(CAUSE_ECALL_S, m_end)
m_end:
    csrw medeleg, zero

KILN_CODE_END
    KILN_PRIV_HANDLERS

    .align 2
u_ecall:
    ecall
    j kiln_fail
u_sret:
    sret
    j kiln_fail
u_wfi:
    wfi
    j kiln_fail
u_csr:
    csrr a4, sstatus
    j kiln_fail
s_ecall_only:
    ecall
    j kiln_fail
s_sret:
    li t0, MSTATUS_SPP; csrs sstatus, t0
    la t0, s_sret_target; csrw sepc, t0
s_sret_insn:
    sret
    j kiln_fail
s_sret_target:
    ecall
    j kiln_fail
s_mret2:
    mret
    j kiln_fail
s_wfi:
    wfi
    ecall
    j kiln_fail
