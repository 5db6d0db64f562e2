/* Interrupts raised by software through mip (SSIP, STIP, SEIP; SSIP also
 * through sip from S-mode), satp = Bare:
 *  - delegated (mideleg) interrupts are taken in S when SIE allows (or
 *    always below S), never in M; non-delegated ones are taken in M, always
 *    when running below M, in M only with mstatus.MIE;
 *  - an interrupt becomes visible right after the CSR write that enables or
 *    raises it (mepc/sepc = the next instruction);
 *  - priority SEI > SSI > STI, and interrupts for M before those for S;
 *  - vectored stvec/mtvec: interrupt n goes to base + 4n, exceptions to base;
 *  - sip/sie are the mideleg-masked views of mip/mie.
 *
 * The handlers here (irq_m, irq_s) log every interrupt (cause, epc, status),
 * then disable it in mie/sie and clear its pending bit where that mode can;
 * exceptions go on to the harness handlers (kiln_trap_handler /
 * kiln_strap_handler), so EXPECT_TRAP and S_EXPECT_TRAP work as usual.
 */
#include "test.h"
#include "priv.h"

/* interrupt log layout (irq_m_log / irq_s_log) */
#define LOG_COUNT  0      /* entries 1..8 at 8 * i: causes in order */
#define LOG_EPC    80     /* epc of the last one */
#define LOG_STATUS 88     /* m/sstatus at the last one */
#define LOG_SIZE   96
#define KT_VEC     24     /* trap areas: vector slot the last trap came through */

#define INTR(n) ((1 << 63) | (n))

#define CLEAR_LOGS \
    la t0, irq_m_log; sd zero, LOG_COUNT(t0); la t0, irq_s_log; sd zero, LOG_COUNT(t0)
/* Check log `log` field / entry == expected. */
#define CHECK_LOG(n, log, off, expected) \
    KILN_TESTNUM(n); la t6, log; ld a4, off(t6); li t2, expected; KILN_FAIL_IF_NE(a4, t2)
#define CHECK_LOG_REG(n, log, off, reg) \
    KILN_TESTNUM(n); la t6, log; ld a4, off(t6); mv t2, reg; KILN_FAIL_IF_NE(a4, t2)
#define CHECK_LOG_STATUS(n, log, mask, expected) \
    KILN_TESTNUM(n); la t6, log; ld a4, LOG_STATUS(t6); li t2, mask; and a4, a4, t2; \
    li t2, expected; KILN_FAIL_IF_NE(a4, t2)
/* mret into a lower mode with MPIE = 0, so M comes back with MIE = 0 */
#define ENTER(mode, label) li t0, MSTATUS_MPIE; csrc mstatus, t0; M_ENTER(mode, label)
#define SET_MIP(bits) li t0, bits; csrs mip, t0
#define CLR_MIP(bits) li t0, bits; csrc mip, t0

KILN_CODE_BEGIN
    KILN_PRIV_SETUP
    la t0, irq_s; csrw stvec, t0
    la t0, irq_m; csrw mtvec, t0
    PMP_ALLOW_ALL
    csrw satp, zero
    csrw medeleg, zero
    csrw mideleg, zero
    csrw mie, zero
    csrw mip, zero
    csrci mstatus, MSTATUS_MIE | MSTATUS_SIE

    /* ================= delegated SSI: taken in S, never in M ========= */
    CLEAR_LOGS
    li t0, MIP_SSIP; csrw mideleg, t0; csrw mie, t0; csrs mip, t0
    /* in M, even with mstatus.SIE and MIE set */
    csrsi mstatus, MSTATUS_SIE | MSTATUS_MIE
    nop; nop
    csrci mstatus, MSTATUS_SIE | MSTATUS_MIE
    CHECK_LOG(1, irq_m_log, LOG_COUNT, 0)
    CHECK_LOG(2, irq_s_log, LOG_COUNT, 0)
    ENTER(MSTATUS_MPP_S, s_a)
s_a:
    nop; nop                                     /* SIE = 0: not taken */
    CHECK_LOG(3, irq_s_log, LOG_COUNT, 0)
    csrsi sstatus, MSTATUS_SIE
s_a_after:
    csrci sstatus, MSTATUS_SIE
    CHECK_LOG(4, irq_s_log, LOG_COUNT, 1)
    CHECK_LOG(5, irq_s_log, 8, INTR(IRQ_SSI))
    la a1, s_a_after
    CHECK_LOG_REG(6, irq_s_log, LOG_EPC, a1)
    CHECK_LOG_STATUS(7, irq_s_log, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, \
                     MSTATUS_SPP | MSTATUS_SPIE)
    CHECK_LOG(8, irq_m_log, LOG_COUNT, 0)
    /* the S handler cleared SSIP through sip and SSIE through sie */
    TEST_CASE(9, a4, 0, csrr a4, sip)
    TEST_CASE(10, a4, 0, csrr a4, sie)
    S_BACK_TO_M(CAUSE_ECALL_S, m_a)
m_a:
    TEST_CASE(11, a4, 0, csrr a4, mip; andi a4, a4, MIP_SSIP)

    /* ================= not delegated: M, whatever MIE says below M ==== */
    CLEAR_LOGS
    csrw mideleg, zero
    li t0, MIP_SSIP; csrw mie, t0; csrs mip, t0
    nop; nop                                     /* MIE = 0 in M: not taken */
    CHECK_LOG(12, irq_m_log, LOG_COUNT, 0)
    KILN_TESTNUM(13)
    EXPECT_TRAP(CAUSE_ECALL_S); TRAP_RETURN_M(2f)
    ENTER(MSTATUS_MPP_S, s_ecall)             /* mret to S: taken at once */
2:  CHECK_TRAPPED(13)
    CHECK_LOG(14, irq_m_log, LOG_COUNT, 1)
    CHECK_LOG(15, irq_m_log, 8, INTR(IRQ_SSI))
    la a1, s_ecall
    CHECK_LOG_REG(16, irq_m_log, LOG_EPC, a1)
    CHECK_LOG_STATUS(17, irq_m_log, MSTATUS_MPP | MSTATUS_MPIE, MSTATUS_MPP_S) /* MIE was 0 */
    /* ... and to U */
    CLEAR_LOGS
    li t0, MIP_SSIP; csrw mie, t0; csrs mip, t0
    KILN_TESTNUM(18)
    EXPECT_TRAP(CAUSE_ECALL_U); TRAP_RETURN_M(2f)
    ENTER(MSTATUS_MPP_U, u_ecall)
2:  CHECK_TRAPPED(18)
    CHECK_LOG(19, irq_m_log, LOG_COUNT, 1)
    la a1, u_ecall
    CHECK_LOG_REG(20, irq_m_log, LOG_EPC, a1)
    CHECK_LOG_STATUS(21, irq_m_log, MSTATUS_MPP, MSTATUS_MPP_U)

    /* ================= M-mode: taken right after the enabling write === */
    CLEAR_LOGS
    li t0, MIP_SSIP; csrw mie, t0; csrs mip, t0
    csrsi mstatus, MSTATUS_MIE
m_c_after:
    csrci mstatus, MSTATUS_MIE
    CHECK_LOG(22, irq_m_log, LOG_COUNT, 1)
    la a1, m_c_after
    CHECK_LOG_REG(23, irq_m_log, LOG_EPC, a1)
    CHECK_LOG_STATUS(24, irq_m_log, MSTATUS_MPP | MSTATUS_MPIE, MSTATUS_MPP_M | MSTATUS_MPIE)
    /* with MIE already set: right after the mie write ... */
    CLEAR_LOGS
    SET_MIP(MIP_SSIP)
    csrsi mstatus, MSTATUS_MIE
    li t0, MIP_SSIP
    csrs mie, t0
m_c_after2:
    csrci mstatus, MSTATUS_MIE
    la a1, m_c_after2
    CHECK_LOG_REG(25, irq_m_log, LOG_EPC, a1)
    /* ... and right after the mip write */
    CLEAR_LOGS
    li t0, MIP_SSIP; csrs mie, t0
    csrsi mstatus, MSTATUS_MIE
    li t0, MIP_SSIP
    csrs mip, t0
m_c_after3:
    csrci mstatus, MSTATUS_MIE
    la a1, m_c_after3
    CHECK_LOG_REG(26, irq_m_log, LOG_EPC, a1)
    CHECK_LOG(27, irq_m_log, LOG_COUNT, 1)

    /* ================= priority among S interrupts: SEI, SSI, STI ===== */
    CLEAR_LOGS
    li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrw mideleg, t0; csrw mie, t0; csrs mip, t0
    ENTER(MSTATUS_MPP_S, s_d)
s_d:
    csrsi sstatus, MSTATUS_SIE
    csrci sstatus, MSTATUS_SIE
    CHECK_LOG(28, irq_s_log, LOG_COUNT, 3)
    /* (QEMU 7.2 takes SEI after SSI and STI) */
#ifndef KILN_QEMU_QUIRKS
    CHECK_LOG(29, irq_s_log, 8, INTR(IRQ_SEI))
    CHECK_LOG(30, irq_s_log, 16, INTR(IRQ_SSI))
    CHECK_LOG(31, irq_s_log, 24, INTR(IRQ_STI))
#endif
    S_BACK_TO_M(CAUSE_ECALL_S, m_d)
m_d:
    /* SSI and STI alone: SSI first */
    CLEAR_LOGS
    CLR_MIP(MIP_SEIP)
    li t0, MIP_SSIP | MIP_STIP; csrw mie, t0; csrs mip, t0
    ENTER(MSTATUS_MPP_S, s_d2)
s_d2:
    csrsi sstatus, MSTATUS_SIE
    csrci sstatus, MSTATUS_SIE
    CHECK_LOG(32, irq_s_log, LOG_COUNT, 2)
    CHECK_LOG(33, irq_s_log, 8, INTR(IRQ_SSI))
    CHECK_LOG(34, irq_s_log, 16, INTR(IRQ_STI))
    S_BACK_TO_M(CAUSE_ECALL_S, m_d2)
m_d2:
    CLR_MIP(MIP_SSIP | MIP_STIP | MIP_SEIP)

    /* ================= interrupts for M before those for S ============ */
    /* STI delegated, SSI not, both pending; mret to S with SIE = 1: both
     * can be taken there. M's comes first: its mepc is where S starts (not
     * inside irq_s), then S's is taken at that same place. */
    CLEAR_LOGS
    li t0, MIP_STIP; csrw mideleg, t0
    li t0, MIP_SSIP | MIP_STIP; csrw mie, t0; csrs mip, t0
    csrsi mstatus, MSTATUS_SIE
    ENTER(MSTATUS_MPP_S, s_e)
s_e:
    csrci sstatus, MSTATUS_SIE
    la a1, s_e
    CHECK_LOG(35, irq_m_log, LOG_COUNT, 1)
    CHECK_LOG(36, irq_m_log, 8, INTR(IRQ_SSI))
    CHECK_LOG_REG(37, irq_m_log, LOG_EPC, a1)
    CHECK_LOG(38, irq_s_log, LOG_COUNT, 1)
    CHECK_LOG(39, irq_s_log, 8, INTR(IRQ_STI))
    CHECK_LOG_REG(40, irq_s_log, LOG_EPC, a1)
    S_BACK_TO_M(CAUSE_ECALL_S, m_e)
m_e:
    CLR_MIP(MIP_SSIP | MIP_STIP)

    /* ================= below S, delegated interrupts ignore SIE ======= */
    CLEAR_LOGS
    li t0, MIP_SSIP; csrw mideleg, t0; csrw mie, t0
    li t0, 1 << CAUSE_ECALL_U; csrw medeleg, t0
    ENTER(MSTATUS_MPP_S, s_f)
s_f:
    csrci sstatus, MSTATUS_SIE
    li t0, MIP_SSIP; csrs sip, t0               /* S raises SSIP itself */
    TEST_CASE(41, a4, MIP_SSIP, csrr a4, sip)
    TEST_CASE(42, a4, MIP_SSIP, csrr a4, sie)
    CHECK_LOG(43, irq_s_log, LOG_COUNT, 0)
    KILN_TESTNUM(44)
    S_EXPECT_TRAP(CAUSE_ECALL_U); S_TRAP_RETURN(2f)
    S_ENTER_U(u_ecall)                           /* sret to U: taken at once */
2:  S_CHECK_TRAPPED(44)
    CHECK_LOG(45, irq_s_log, LOG_COUNT, 1)
    la a1, u_ecall
    CHECK_LOG_REG(46, irq_s_log, LOG_EPC, a1)
    CHECK_LOG_STATUS(47, irq_s_log, MSTATUS_SPP, 0)
    S_BACK_TO_M(CAUSE_ECALL_S, m_f)
m_f:
    csrw medeleg, zero
    /* sip / sie show nothing that is not delegated */
    csrw mideleg, zero
    SET_MIP(MIP_STIP); li t0, MIP_STIP; csrw mie, t0
    TEST_CASE(48, a4, MIP_STIP, csrr a4, mip; andi a4, a4, MIP_SSIP | MIP_STIP | MIP_SEIP)
    TEST_CASE(49, a4, 0, csrr a4, sip)
    TEST_CASE(50, a4, 0, csrr a4, sie)
    CLR_MIP(MIP_STIP); csrw mie, zero

    /* ================= vectored stvec ================= */
    CLEAR_LOGS
    la t0, s_vtable; ori t0, t0, 1; csrw stvec, t0
    TEST_CASE(51, a4, 1, csrr a4, stvec; andi a4, a4, 3)
    li t0, MIP_SSIP | MIP_STIP; csrw mideleg, t0
    li t0, 1 << CAUSE_ILLEGAL_INSN; csrw medeleg, t0
    li t0, MIP_SSIP; csrw mie, t0; csrs mip, t0
    ENTER(MSTATUS_MPP_S, s_g)
s_g:
    csrsi sstatus, MSTATUS_SIE
    csrci sstatus, MSTATUS_SIE
    CHECK_LOG(52, irq_s_log, 8, INTR(IRQ_SSI))
    CHECK_LOG(53, kiln_strap_area, KT_VEC, IRQ_SSI)
    /* an exception goes to the base */
    KILN_TESTNUM(54)
    S_EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    mret
    S_CHECK_TRAPPED(54)
    CHECK_LOG(55, kiln_strap_area, KT_VEC, 0)
    S_BACK_TO_M(CAUSE_ECALL_S, m_g)
m_g:
    li t0, MIP_STIP; csrw mie, t0; csrs mip, t0
    ENTER(MSTATUS_MPP_S, s_g2)
s_g2:
    csrsi sstatus, MSTATUS_SIE
    csrci sstatus, MSTATUS_SIE
    CHECK_LOG(56, irq_s_log, 16, INTR(IRQ_STI))
    CHECK_LOG(57, kiln_strap_area, KT_VEC, IRQ_STI)
    S_BACK_TO_M(CAUSE_ECALL_S, m_g2)
m_g2:
    CLR_MIP(MIP_STIP)
    csrw medeleg, zero

    /* ================= vectored mtvec ================= */
    CLEAR_LOGS
    csrw mideleg, zero
    la t0, m_vtable; ori t0, t0, 1; csrw mtvec, t0
    li t0, MIP_SSIP; csrw mie, t0; csrs mip, t0
    csrsi mstatus, MSTATUS_MIE
    csrci mstatus, MSTATUS_MIE
    CHECK_LOG(58, irq_m_log, 8, INTR(IRQ_SSI))
    CHECK_LOG(59, kiln_trap_area, KT_VEC, IRQ_SSI)
    TEST_TRAP(60, CAUSE_ECALL_M, ecall)
    CHECK_LOG(61, kiln_trap_area, KT_VEC, 0)
    li t0, MIP_SEIP; csrw mie, t0; csrs mip, t0
    csrsi mstatus, MSTATUS_MIE
    csrci mstatus, MSTATUS_MIE
    CHECK_LOG(62, kiln_trap_area, KT_VEC, IRQ_SEI)
    la t0, irq_m; csrw mtvec, t0
    csrw mie, zero; csrw mip, zero

KILN_CODE_END
    KILN_PRIV_HANDLERS

    .align 2
u_ecall:
    ecall
    j kiln_fail
s_ecall:
    ecall
    j kiln_fail

/* Interrupt-logging handlers; exceptions continue in the harness ones. */
#define IRQ_HANDLER(name, scratch, cause, epc, status, ie, ip, log, xret, next) \
    .align 2; \
name: \
    csrrw sp, scratch, sp; \
    sd t0, KT_SAVE_T0(sp); sd t1, KT_SAVE_T1(sp); sd t2, KT_SAVE_T2(sp); \
    csrr t0, cause; bgez t0, 1f; \
    la t1, log; ld t2, LOG_COUNT(t1); addi t2, t2, 1; sd t2, LOG_COUNT(t1); \
    slli t2, t2, 3; add t2, t2, t1; sd t0, 0(t2); \
    csrr t2, epc; sd t2, LOG_EPC(t1); \
    csrr t2, status; sd t2, LOG_STATUS(t1); \
    li t2, 1; sll t2, t2, t0; csrc ie, t2; csrc ip, t2; \
    ld t0, KT_SAVE_T0(sp); ld t1, KT_SAVE_T1(sp); ld t2, KT_SAVE_T2(sp); \
    csrrw sp, scratch, sp; \
    xret; \
1:  ld t0, KT_SAVE_T0(sp); ld t1, KT_SAVE_T1(sp); ld t2, KT_SAVE_T2(sp); \
    csrrw sp, scratch, sp; \
    j next

IRQ_HANDLER(irq_m, mscratch, mcause, mepc, mstatus, mie, mip, irq_m_log, mret, kiln_trap_handler)
IRQ_HANDLER(irq_s, sscratch, scause, sepc, sstatus, sie, sip, irq_s_log, sret, kiln_strap_handler)

/* Vector tables: slot n records n in the trap area (KT_VEC), then goes to
 * the common handler. */
#define VEC_STUB(name, scratch, n, handler) \
name: \
    csrrw sp, scratch, sp; sd t0, KT_SAVE_T0(sp); li t0, n; sd t0, KT_VEC(sp); \
    ld t0, KT_SAVE_T0(sp); csrrw sp, scratch, sp; j handler

    .align 8
s_vtable:
    j s_vec0; j s_vec1; j kiln_fail; j kiln_fail
    j kiln_fail; j s_vec5; j kiln_fail; j kiln_fail
    j kiln_fail; j s_vec9; j kiln_fail; j kiln_fail
    j kiln_fail; j kiln_fail; j kiln_fail; j kiln_fail
    .align 8
m_vtable:
    j m_vec0; j m_vec1; j kiln_fail; j kiln_fail
    j kiln_fail; j kiln_fail; j kiln_fail; j kiln_fail
    j kiln_fail; j m_vec9; j kiln_fail; j kiln_fail
    j kiln_fail; j kiln_fail; j kiln_fail; j kiln_fail
VEC_STUB(s_vec0, sscratch, 0, irq_s)
VEC_STUB(s_vec1, sscratch, 1, irq_s)
VEC_STUB(s_vec5, sscratch, 5, irq_s)
VEC_STUB(s_vec9, sscratch, 9, irq_s)
VEC_STUB(m_vec0, mscratch, 0, irq_m)
VEC_STUB(m_vec1, mscratch, 1, irq_m)
VEC_STUB(m_vec9, mscratch, 9, irq_m)

    .data
    .align 3
irq_m_log: .zero LOG_SIZE
irq_s_log: .zero LOG_SIZE
