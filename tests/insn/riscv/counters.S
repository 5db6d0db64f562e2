/* Counter access control and counter CSRs:
 *  - cycle/time/instret/hpmcounter3 from S need the mcounteren bit, from U
 *    both the mcounteren and the scounteren bit; otherwise illegal
 *    instruction (taken in M here: no delegation);
 *  - mcounteren/scounteren/mcountinhibit are writable (mcountinhibit bit 1
 *    reads 0); an inhibited counter does not count;
 *  - a write to minstret is what the next instruction reads (the write
 *    replaces the increment of the writing instruction); mcycle writes;
 *    the unprivileged counters are read-only.
 */
#include "test.h"
#include "priv.h"

#define CY 1
#define TM 2
#define IR 4
#define HPM3 8

/* Run `snippet` (a counter read, then ecall) in S or U. */
#define RUN_OK(n, mode, ecause, snippet) \
    KILN_TESTNUM(n); EXPECT_TRAP(ecause); TRAP_RETURN_M(1f); \
    M_ENTER(mode, snippet); 1: CHECK_TRAPPED(n)
#define RUN_ILLEGAL(n, mode, snippet) \
    KILN_TESTNUM(n); EXPECT_TRAP(CAUSE_ILLEGAL_INSN); TRAP_RETURN_M(1f); \
    M_ENTER(mode, snippet); 1: CHECK_TRAPPED(n); \
    TRAP_LAST(a4, KT_LAST_EPC); la t2, snippet; KILN_FAIL_IF_NE(a4, t2)
#define S_OK(n, snippet) RUN_OK(n, MSTATUS_MPP_S, CAUSE_ECALL_S, snippet)
#define U_OK(n, snippet) RUN_OK(n, MSTATUS_MPP_U, CAUSE_ECALL_U, snippet)
#define S_ILL(n, snippet) RUN_ILLEGAL(n, MSTATUS_MPP_S, snippet)
#define U_ILL(n, snippet) RUN_ILLEGAL(n, MSTATUS_MPP_U, snippet)

KILN_CODE_BEGIN
    PMP_ALLOW_ALL
    csrw satp, zero
    csrw medeleg, zero
    csrw mideleg, zero
    csrw mcountinhibit, zero

    /* ---- the enable registers are writable */
    TEST_CASE(1, a4, CY | TM | IR, li t0, CY | TM | IR; csrw mcounteren, t0; \
              csrr a4, mcounteren; andi a4, a4, CY | TM | IR)
    TEST_CASE(2, a4, CY | TM | IR, li t0, CY | TM | IR; csrw scounteren, t0; \
              csrr a4, scounteren; andi a4, a4, CY | TM | IR)

    /* ---- mcounteren = 0: S-mode reads are illegal */
    csrw mcounteren, zero
    csrw scounteren, zero
    S_ILL(3, s_cycle)
    S_ILL(4, s_time)
    S_ILL(5, s_instret)
    S_ILL(6, s_hpm3)
    /* scounteren alone does not open anything for S */
    li t0, -1; csrw scounteren, t0
    S_ILL(7, s_cycle)
    csrw scounteren, zero

    /* ---- mcounteren set: S may read, U still may not */
    li t0, CY | TM | IR | HPM3; csrw mcounteren, t0
    S_OK(8, s_cycle)
    S_OK(9, s_instret)
#ifndef KILN_QEMU_QUIRKS        /* QEMU's spike board has no time CSR */
    S_OK(10, s_time)
#endif
    S_OK(11, s_hpm3)
    U_ILL(12, u_cycle)
    U_ILL(13, u_time)
    U_ILL(14, u_instret)
    /* ---- both set: U may read */
    li t0, CY | TM | IR; csrw scounteren, t0
    U_OK(15, u_cycle)
    U_OK(16, u_instret)
#ifndef KILN_QEMU_QUIRKS
    U_OK(17, u_time)
#endif
    U_ILL(18, u_hpm3)                          /* scounteren.HPM3 = 0 */
    /* ---- per-counter bits */
    li t0, IR; csrw mcounteren, t0
    S_ILL(19, s_cycle)
    S_OK(20, s_instret)
    U_ILL(21, u_cycle)
    U_OK(22, u_instret)
    li t0, IR; csrw scounteren, t0
    li t0, CY | TM | IR; csrw mcounteren, t0
    U_ILL(23, u_cycle)
    U_OK(24, u_instret)
    /* S can set scounteren itself; M CSRs stay out of reach */
    KILN_TESTNUM(25)
    EXPECT_TRAP(CAUSE_ECALL_S); TRAP_RETURN_M(2f)
    M_ENTER(MSTATUS_MPP_S, s_set_scounteren)
2:  CHECK_TRAPPED(25)
    TEST_CASE(26, a4, CY, csrr a4, scounteren; andi a4, a4, CY | TM | IR)
    U_OK(27, u_cycle)
    S_ILL(28, s_mcounteren)
    /* the unprivileged counters are read-only, also for M */
    TEST_TRAP(29, CAUSE_ILLEGAL_INSN, csrw cycle, zero)
    TEST_TRAP(30, CAUSE_ILLEGAL_INSN, csrw instret, zero)
    TEST_TRAP(31, CAUSE_ILLEGAL_INSN, csrs time, a1)

    /* ---- mcountinhibit */
    TEST_CASE(32, a4, CY | IR, li t0, CY | IR; csrw mcountinhibit, t0; \
              csrr a4, mcountinhibit; andi a4, a4, CY | TM | IR)
    /* there is no TM bit: bit 1 reads 0 (QEMU 7.2 keeps it) */
#ifndef KILN_QEMU_QUIRKS
    TEST_CASE(33, a4, 0, li t0, TM; csrw mcountinhibit, t0; \
              csrr a4, mcountinhibit; andi a4, a4, TM)
#endif
    csrw mcountinhibit, zero

#ifndef KILN_QEMU_QUIRKS   /* QEMU 7.2 counts host ticks without -icount */
    /* ---- minstret counts retired instructions exactly: a read gives the
     * value before the reading instruction */
    TEST_CASE(34, a4, 6, csrr a1, minstret; nop; nop; nop; nop; nop; \
              csrr a2, minstret; sub a4, a2, a1)
    TEST_CASE(35, a4, 2, csrr a1, instret; nop; csrr a2, instret; sub a4, a2, a1)
    /* the next instruction reads the value written ... */
    TEST_CASE(36, a4, 1000, li a1, 1000; csrw minstret, a1; csrr a4, minstret)
    /* ... and counting goes on from there */
    TEST_CASE(37, a4, 2001, li a1, 2000; csrw minstret, a1; nop; csrr a4, minstret)
    TEST_CASE(38, a4, 3000, li a1, 3000; csrw minstret, a1; csrr a4, instret)
    /* ---- inhibited: minstret stands still (also after a write) */
    TEST_CASE(39, a4, 0, li t0, IR; csrw mcountinhibit, t0; \
              csrr a1, minstret; nop; nop; nop; csrr a2, minstret; sub a4, a2, a1)
    TEST_CASE(40, a4, 4000, li a1, 4000; csrw minstret, a1; nop; nop; csrr a4, minstret)
    csrw mcountinhibit, zero
    TEST_CASE(41, a4, 2, csrr a1, minstret; nop; csrr a2, minstret; sub a4, a2, a1)
#endif
    /* ---- mcycle: writable, counts up; inhibited it stands still */
    TEST_CASE(42, a4, 1, li a1, 1 << 40; csrw mcycle, a1; csrr a2, mcycle; \
              sub a2, a2, a1; li t0, 1 << 20; sltu a4, a2, t0)
    TEST_CASE(43, a4, 1, csrr a1, mcycle; nop; nop; csrr a2, mcycle; sltu a4, a1, a2)
    TEST_CASE(44, a4, 1, csrr a1, mcycle; csrr a2, cycle; sub a2, a2, a1; li t0, 1 << 20; sltu a4, a2, t0)
#ifndef KILN_QEMU_QUIRKS   /* QEMU 7.2 keeps counting host ticks */
    TEST_CASE(45, a4, 0, li t0, CY; csrw mcountinhibit, t0; \
              csrr a1, mcycle; nop; nop; nop; csrr a2, mcycle; sub a4, a2, a1)
#endif
    csrw mcountinhibit, zero
#ifndef KILN_QEMU_QUIRKS
    /* ---- time: readable in M and moving forward */
    TEST_CASE(46, a4, 1, csrr a1, time; li a3, 100000; 1: addi a3, a3, -1; bnez a3, 1b; \
              csrr a2, time; sltu a4, a1, a2)
#endif

KILN_CODE_END

    .align 2
s_cycle:    csrr a4, cycle;   ecall; j kiln_fail
s_time:     csrr a4, time;    ecall; j kiln_fail
s_instret:  csrr a4, instret; ecall; j kiln_fail
s_hpm3:     csrr a4, hpmcounter3; ecall; j kiln_fail
s_mcounteren: csrr a4, mcounteren; ecall; j kiln_fail
s_set_scounteren: li a1, CY; csrw scounteren, a1; ecall; j kiln_fail
u_cycle:    csrr a4, cycle;   ecall; j kiln_fail
u_time:     csrr a4, time;    ecall; j kiln_fail
u_instret:  csrr a4, instret; ecall; j kiln_fail
u_hpm3:     csrr a4, hpmcounter3; ecall; j kiln_fail
