/* Every AMO fault is a store/AMO fault: an AMO to nothing (physically
 * unmapped, paging off) raises a store/AMO access fault (7, not the load
 * access fault 5), an AMO to an unmapped or read-only virtual page a
 * store/AMO page fault (15, not 13), with mtval = the address, in M, S and U
 * mode. LR is a load (5, 13). (An SC there has no reservation: it fails
 * without an access.)
 *
 * Virtual map (Sv39): 0x1000 invalid; 0x2000 -> page_a, R only (U);
 * 0x3000 -> physical 0x1_0000_0000 (nothing there), RW (U);
 * 0x4000_0000 1G -> RAM_BASE RWX U (user alias of the program).
 */
#include "test.h"
#include "priv.h"

#define RAM_BASE  0x80000000
#define USER_OFF  0x40000000
#define NOTHING   0x100000000     /* no RAM or device at this physical address */
#define VA_INV    0x1000
#define VA_RO     0x2000
#define VA_NOTHING 0x3000

/* `insn` on the address a1 faults with `cause`, mtval = a1 (M-mode or S-mode, in place). */
#define FAULT(n, cause, ...) \
    KILN_TESTNUM(n); EXPECT_TRAP_TVAL(cause, a1); __VA_ARGS__; CHECK_TRAPPED(n)
/* The same from U-mode: the snippet at `label` runs through the user alias. */
#define U_FAULT(n, cause, label) \
    KILN_TESTNUM(n); EXPECT_TRAP_TVAL(cause, a1); TRAP_RETURN_M(1f); \
    la a3, label; li t0, USER_OFF; sub a3, a3, t0; M_ENTER_REG(MSTATUS_MPP_U, a3); \
1:  CHECK_TRAPPED(n)

/* Runs the faulting cases in the current mode (M, or S entered at `label`). */
#define PHYSICAL_CASES(base) \
    li a1, NOTHING; li a2, 1; \
    FAULT(base + 0, CAUSE_STORE_ACCESS, amoadd.w a4, a2, (a1)); \
    FAULT(base + 1, CAUSE_STORE_ACCESS, amoswap.d a4, a2, (a1)); \
    FAULT(base + 2, CAUSE_STORE_ACCESS, amomaxu.d a4, a2, (a1)); \
    FAULT(base + 3, CAUSE_LOAD_ACCESS, lr.d a4, (a1)); \
    FAULT(base + 4, CAUSE_STORE_ACCESS, amoxor.w a4, a2, (a1))

KILN_CODE_BEGIN
    PMP_ALLOW_ALL
    csrw medeleg, zero
    csrw mideleg, zero

    /* ---- M-mode, and S-mode with paging off: physical addresses */
    PHYSICAL_CASES(1)
    M_ENTER(MSTATUS_MPP_S, s_bare)
s_bare:
    PHYSICAL_CASES(6)
    S_BACK_TO_M(CAUSE_ECALL_S, m_paging)
m_paging:
    /* ---- Sv39 */
    ZERO_PAGES(pt_root, 3)
    la a3, pt_l1; SET_PTE(pt_root, 0, a3, PTE_V)
    li a3, RAM_BASE
    SET_PTE(pt_root, 1, a3, PTE_RWX_AD | PTE_U)  /* 0x4000_0000: user alias */
    SET_PTE(pt_root, 2, a3, PTE_RWX_AD)          /* 0x8000_0000: identity */
    la a3, pt_l0; SET_PTE(pt_l1, 0, a3, PTE_V)
    la a3, page_a; SET_PTE(pt_l0, 2, a3, PTE_V | PTE_R | PTE_U | PTE_A)
    li a3, NOTHING; SET_PTE(pt_l0, 3, a3, PTE_RW_AD | PTE_U)
    SATP_ON(SATP_MODE_SV39, pt_root)

    /* S-mode: invalid page, read-only page, a page of nothing */
    M_ENTER(MSTATUS_MPP_S, s_paged)
s_paged:
    li t0, MSTATUS_SUM; csrs sstatus, t0
    li a1, VA_INV + 8; li a2, 1
    FAULT(11, CAUSE_STORE_PAGE_FAULT, amoadd.d a4, a2, (a1))
    FAULT(12, CAUSE_STORE_PAGE_FAULT, amoor.w a4, a2, (a1))
    FAULT(13, CAUSE_LOAD_PAGE_FAULT, lr.w a4, (a1))
    FAULT(14, CAUSE_STORE_PAGE_FAULT, amominu.w a4, a2, (a1))
    li a1, VA_RO + 16
    FAULT(15, CAUSE_STORE_PAGE_FAULT, amoswap.d a4, a2, (a1))
    TEST_CASE(16, a4, 0, lr.d a4, (a1))          /* readable */
    li a1, VA_NOTHING + 24
    FAULT(17, CAUSE_STORE_ACCESS, amoand.d a4, a2, (a1))
    FAULT(18, CAUSE_LOAD_ACCESS, lr.d a4, (a1))
    S_BACK_TO_M(CAUSE_ECALL_S, m_user)
m_user:
    /* U-mode: the same three pages */
    li a1, VA_INV + 8; li a2, 1
    U_FAULT(19, CAUSE_STORE_PAGE_FAULT, u_amoadd)
    U_FAULT(20, CAUSE_LOAD_PAGE_FAULT, u_lr)
    li a1, VA_RO + 16
    U_FAULT(22, CAUSE_STORE_PAGE_FAULT, u_amoadd)
    li a1, VA_NOTHING + 24
    U_FAULT(23, CAUSE_STORE_ACCESS, u_amoadd)
    U_FAULT(24, CAUSE_LOAD_ACCESS, u_lr)
    csrw satp, zero
    sfence.vma
KILN_CODE_END
    KILN_PRIV_HANDLERS

/* U-mode snippets (registers only: they run at the user alias) */
u_amoadd:
    amoadd.w a4, a2, (a1)
    j kiln_fail
u_lr:
    lr.d a4, (a1)
    j kiln_fail

    .bss
    .align 12
pt_root: .zero 4096
pt_l1:   .zero 4096
pt_l0:   .zero 4096
page_a:  .zero 4096
