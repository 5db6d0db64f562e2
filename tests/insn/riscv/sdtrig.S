/* Sdtrig debug triggers: tselect (WARL), tinfo, tdata1 (mcontrol type 2 and
 * mcontrol6 type 6; unsupported fields and types legalised), tdata2,
 * tdata3, no tcontrol; execute, load and store address triggers with
 * action 0 raising a breakpoint exception (cause 3) before the instruction,
 * with mtval = the pc or the accessed address, in M (only with the M bit and
 * mstatus.MIE set), S (delegated; suppressed while SIE is 0) and U mode; no
 * fire where the mode's bit is clear; a trigger set on code or data already
 * translated, in the middle of a block; two triggers at once.
 * Paging is off: U and S code runs at its physical address.
 */
#include "test.h"
#include "priv.h"

#define TSELECT  0x7a0
#define TDATA1   0x7a1
#define TDATA2   0x7a2
#define TDATA3   0x7a3
#define TINFO    0x7a4
#define TCONTROL 0x7a5

#define MC_TYPE2    (2 << 60)
#define MC_TYPE6    (6 << 60)
#define MC_DISABLED (15 << 60)
#define MC_M     (1 << 6)
#define MC_S     (1 << 4)
#define MC_U     (1 << 3)
#define MC_EXEC  4
#define MC_STORE 2
#define MC_LOAD  1

#define KNOWN 0x0123456789abcdef

/* Trigger idx: disabled, tdata2 = addrreg, then tdata1 = value. */
#define SET_TRIGGER(idx, value, addrreg) \
    li t0, idx; csrw TSELECT, t0; csrw TDATA1, zero; csrw TDATA2, addrreg; \
    li t0, value; csrw TDATA1, t0
#define CLEAR_TRIGGER(idx) li t0, idx; csrw TSELECT, t0; csrw TDATA1, zero
/* tdata1 of trigger 0 reads `expected` after writing `value`. */
#define TDATA1_WARL(n, value, expected) \
    TEST_CASE(n, a4, expected, csrw TSELECT, zero; li t0, value; csrw TDATA1, t0; csrr a4, TDATA1)

/* U-mode from `label` to its ecall. */
#define U_RUN(n, label) \
    KILN_TESTNUM(n); EXPECT_TRAP(CAUSE_ECALL_U); TRAP_RETURN_M(1f); M_ENTER(MSTATUS_MPP_U, label); \
1:  CHECK_TRAPPED(n)
/* U-mode from `label`, stopped by a breakpoint at `epclabel` with mtval = tvalreg. */
#define U_BREAK(n, label, tvalreg, epclabel) \
    KILN_TESTNUM(n); EXPECT_TRAP_TVAL(CAUSE_BREAKPOINT, tvalreg); TRAP_RETURN_M(1f); \
    M_ENTER(MSTATUS_MPP_U, label); \
1:  CHECK_TRAPPED(n); TRAP_LAST(a5, KT_LAST_EPC); la t2, epclabel; KILN_FAIL_IF_NE(a5, t2)

KILN_CODE_BEGIN
    KILN_PRIV_SETUP
    PMP_ALLOW_ALL
    csrw medeleg, zero
    csrw mideleg, zero

    /* ================ the CSRs (M-mode) */
    TEST_CASE(1, a4, 0, csrw TSELECT, zero; csrr a4, TSELECT)
    TEST_CASE(2, a4, 1, li t0, 1; csrw TSELECT, t0; csrr a4, TSELECT)
    /* no trigger 2: the index does not take */
    TEST_CASE(3, a4, 1, li t0, 2; csrw TSELECT, t0; csrr a4, TSELECT)
    TEST_CASE(4, a4, 1, li t0, -1; csrw TSELECT, t0; csrr a4, TSELECT)
    /* tinfo: version 1, types 2 and 6 (trigger 1, then 0) */
    TEST_CASE(5, a4, (1 << 24) | 0x44, csrr a4, TINFO)
    TEST_CASE(6, a4, (1 << 24) | 0x44, csrw TSELECT, zero; csrr a4, TINFO)
    /* at reset: an address-match trigger enabled nowhere */
    TEST_CASE(7, a4, MC_TYPE2, csrr a4, TDATA1)
    /* writing 0 (or an unsupported type) disables it: type 15 */
    TDATA1_WARL(8, 0, MC_DISABLED)
    TDATA1_WARL(9, (3 << 60) | MC_M | MC_EXEC, MC_DISABLED)
    TDATA1_WARL(10, MC_TYPE2 | MC_M | MC_S | MC_U | MC_EXEC | MC_STORE | MC_LOAD, \
                MC_TYPE2 | MC_M | MC_S | MC_U | MC_EXEC | MC_STORE | MC_LOAD)
    TDATA1_WARL(11, MC_TYPE6 | MC_U | MC_LOAD, MC_TYPE6 | MC_U | MC_LOAD)
    /* mcontrol: dmode, hit, select, timing, sizelo, action 1, chain, match 2 are not supported */
    TDATA1_WARL(12, MC_TYPE2 | (1 << 59) | (1 << 20) | (1 << 19) | (1 << 18) | (3 << 16) | \
                (1 << 12) | (1 << 11) | (2 << 7) | MC_M | MC_EXEC, MC_TYPE2 | MC_M | MC_EXEC)
    /* mcontrol6: VS, VU, select, size, uncertainen, action 2, match 1 neither */
    TDATA1_WARL(13, MC_TYPE6 | (1 << 24) | (1 << 23) | (1 << 21) | (1 << 16) | (1 << 5) | \
                (2 << 12) | (1 << 7) | MC_S | MC_STORE, MC_TYPE6 | MC_S | MC_STORE)
    TEST_CASE(14, a4, 0x8000000012345678, li a1, 0x8000000012345678; csrw TDATA2, a1; csrr a4, TDATA2)
    TEST_CASE(15, a4, 0, li t0, -1; csrw TDATA3, t0; csrr a4, TDATA3)
    TEST_TRAP(16, CAUSE_ILLEGAL_INSN, csrr a4, TCONTROL)
    CLEAR_TRIGGER(0)
    CLEAR_TRIGGER(1)

    /* ================ execute triggers in M-mode */
    la a1, m_x
    SET_TRIGGER(0, MC_TYPE2 | MC_M | MC_EXEC, a1)
    csrsi mstatus, MSTATUS_MIE       /* mie = 0: no interrupt can come */
    KILN_TESTNUM(17)
    EXPECT_TRAP_TVAL(CAUSE_BREAKPOINT, a1)
    li a4, 0
    call m_x                          /* its addi is not executed: the handler skips it */
    CHECK_TRAPPED(17)
    TEST_CASE(18, a4, 0, nop)
    TEST_CASE(19, a5, 0, TRAP_LAST(a5, KT_LAST_EPC); la t0, m_x; sub a5, a5, t0)
    /* MIE = 0: M-mode triggers do not fire (the harness fails on any trap) */
    csrci mstatus, MSTATUS_MIE
    TEST_CASE(20, a4, 1, li a4, 0; call m_x)
    csrsi mstatus, MSTATUS_MIE
    /* no M bit: no fire in M */
    la a1, m_x
    SET_TRIGGER(0, MC_TYPE6 | MC_S | MC_U | MC_EXEC, a1)
    TEST_CASE(21, a4, 1, li a4, 0; call m_x)
    /* code already translated (and compiled), trigger in the middle of its block */
    TEST_CASE(22, a4, 7, call m_sub)
    la a1, m_sub_x
    SET_TRIGGER(1, MC_TYPE6 | MC_M | MC_EXEC, a1)
    KILN_TESTNUM(23)
    EXPECT_TRAP_TVAL(CAUSE_BREAKPOINT, a1)
    call m_sub
    CHECK_TRAPPED(23)
    TEST_CASE(24, a4, 5, nop)
    CLEAR_TRIGGER(1)
    TEST_CASE(25, a4, 7, call m_sub)
    CLEAR_TRIGGER(0)
    /* load and store triggers in M-mode */
    la a1, data
    SET_TRIGGER(0, MC_TYPE2 | MC_M | MC_LOAD, a1)
    KILN_TESTNUM(26)
    EXPECT_TRAP_TVAL(CAUSE_BREAKPOINT, a1)
    li a4, 0x55
    ld a4, 0(a1)
    CHECK_TRAPPED(26)
    TEST_CASE(27, a4, 0x55, nop)      /* the load did not happen */
    TEST_TRAP(28, CAUSE_BREAKPOINT, fld f1, 0(a1))
    TEST_CASE(29, a4, 0, li a2, 0; sd a2, 8(a1); ld a4, 8(a1))
    csrci mstatus, MSTATUS_MIE
    TEST_CASE(30, a4, KNOWN, ld a4, 0(a1))
    csrsi mstatus, MSTATUS_MIE
    CLEAR_TRIGGER(0)
    csrci mstatus, MSTATUS_MIE

    /* ================ U-mode */
    li a4, 0
    U_RUN(31, u_exec)
    TEST_CASE(32, a4, 3, nop)
    la a1, u_exec_x
    SET_TRIGGER(0, MC_TYPE2 | MC_U | MC_EXEC, a1)
    li a4, 0
    U_BREAK(33, u_exec, a1, u_exec_x)
    TEST_CASE(34, a4, 1, nop)
    la a1, u_exec_x
    SET_TRIGGER(0, MC_TYPE6 | MC_U | MC_EXEC, a1)
    li a4, 0
    U_BREAK(35, u_exec, a1, u_exec_x)
    /* M and S bits only: no fire in U */
    SET_TRIGGER(0, MC_TYPE2 | MC_M | MC_S | MC_EXEC, a1)
    li a4, 0
    U_RUN(36, u_exec)
    TEST_CASE(37, a4, 3, nop)
    CLEAR_TRIGGER(0)
    /* loads and stores */
    la a1, data; li a2, 0x1234
    U_RUN(38, u_load)
    TEST_CASE(39, a4, KNOWN, nop)
    SET_TRIGGER(0, MC_TYPE2 | MC_U | MC_LOAD, a1)
    li a4, 0x55
    U_BREAK(40, u_load, a1, u_load)
    TEST_CASE(41, a4, 0x55, nop)
    U_RUN(42, u_store)                /* a load trigger: stores pass */
    TEST_CASE(43, a4, 0x1234, ld a4, 0(a1))
    U_BREAK(44, u_amo, a1, u_amo)     /* an AMO loads */
    SET_TRIGGER(0, MC_TYPE6 | MC_U | MC_STORE, a1)
    li a2, 0x5678
    U_BREAK(45, u_store, a1, u_store)
    TEST_CASE(46, a4, 0x1234, ld a4, 0(a1))   /* the store did not happen */
    U_BREAK(47, u_amo, a1, u_amo)     /* an AMO stores */
    U_RUN(48, u_load)
    TEST_CASE(49, a4, 0x1234, nop)
    /* any byte of the access: tdata2 = data + 4, an 8-byte load at data; mtval = its address */
    addi a3, a1, 4
    SET_TRIGGER(0, MC_TYPE2 | MC_U | MC_LOAD, a3)
    U_BREAK(50, u_load, a1, u_load)
    addi a3, a1, 8
    SET_TRIGGER(0, MC_TYPE2 | MC_U | MC_LOAD, a3)
    U_RUN(51, u_load)
    /* S and M bits only */
    SET_TRIGGER(0, MC_TYPE2 | MC_S | MC_M | MC_LOAD | MC_STORE, a1)
    U_RUN(52, u_load)
    /* two triggers: execute at u_store, load at data */
    la a3, u_store
    SET_TRIGGER(0, MC_TYPE2 | MC_U | MC_EXEC, a3)
    SET_TRIGGER(1, MC_TYPE6 | MC_U | MC_LOAD, a1)
    U_BREAK(53, u_load, a1, u_load)
    U_BREAK(54, u_store, a3, u_store)
    CLEAR_TRIGGER(0)
    CLEAR_TRIGGER(1)
    U_RUN(55, u_store)

    /* ================ S-mode, breakpoints delegated to S */
    la a1, s_sub_x
    SET_TRIGGER(1, MC_TYPE2 | MC_S | MC_EXEC, a1)
    la a1, data
    SET_TRIGGER(0, MC_TYPE6 | MC_S | MC_LOAD, a1)
    li t0, 1 << CAUSE_BREAKPOINT; csrs medeleg, t0
    M_ENTER(MSTATUS_MPP_S, s_part)
s_part:
    TEST_TRAP(56, CAUSE_ILLEGAL_INSN, csrr a4, TSELECT)   /* M-mode CSRs */
    csrsi sstatus, MSTATUS_SIE        /* sie = 0: no interrupt can come */
    la a1, s_sub_x
    KILN_TESTNUM(57)
    S_EXPECT_TRAP_TVAL(CAUSE_BREAKPOINT, a1)
    S_TRAP_RETURN(1f)
    li a4, 0
    call s_sub
    j kiln_fail
1:  S_CHECK_TRAPPED(57)
    TEST_CASE(58, a4, 1, nop)
    TEST_CASE(59, a5, 0, S_TRAP_LAST(a5, KT_LAST_EPC); la t0, s_sub_x; sub a5, a5, t0)
    la a1, data
    KILN_TESTNUM(62)
    S_EXPECT_TRAP_TVAL(CAUSE_BREAKPOINT, a1)
    li a4, 0x55
    ld a4, 0(a1)
    S_CHECK_TRAPPED(62)
    TEST_CASE(63, a4, 0x55, nop)
    /* SIE = 0 with breakpoints delegated: suppressed */
    csrci sstatus, MSTATUS_SIE
    TEST_CASE(60, a4, 3, li a4, 0; call s_sub)
    TEST_CASE(64, a4, 0x5678, la a1, data; ld a4, 0(a1))
    S_BACK_TO_M(CAUSE_ECALL_S, m_after_s)
m_after_s:
    csrw medeleg, zero
    CLEAR_TRIGGER(0)
    /* U bit only: no fire in S */
    la a1, s_sub_x
    SET_TRIGGER(1, MC_TYPE2 | MC_U | MC_EXEC, a1)
    M_ENTER(MSTATUS_MPP_S, s_part2)
s_part2:
    TEST_CASE(61, a4, 3, li a4, 0; call s_sub)
    S_BACK_TO_M(CAUSE_ECALL_S, m_end)
m_end:
    CLEAR_TRIGGER(1)
KILN_CODE_END
    KILN_PRIV_HANDLERS

m_x:
    addi a4, a4, 1
    ret
m_sub:
    li a4, 0
    addi a4, a4, 1
m_sub_x:
    addi a4, a4, 2
    addi a4, a4, 4
    ret
s_sub:
    addi a4, a4, 1
s_sub_x:
    addi a4, a4, 2
    ret
/* U-mode snippets */
u_exec:
    addi a4, a4, 1
u_exec_x:
    addi a4, a4, 2
    ecall
    j kiln_fail
u_load:
    ld a4, 0(a1)
    ecall
    j kiln_fail
u_store:
    sd a2, 0(a1)
    ecall
    j kiln_fail
u_amo:
    amoadd.d a4, a2, (a1)
    ecall
    j kiln_fail

    .data
    .align 3
data:
    .dword KNOWN
    .dword 0
