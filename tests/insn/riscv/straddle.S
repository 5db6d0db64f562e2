/* A 4-byte instruction straddling a page boundary, fetched in U-mode under
 * Sv39. While the second page is unmapped the fetch faults (cause 12, mtval =
 * the second page, mepc = the instruction); once the handler has mapped the
 * page (sfence.vma) the instruction runs. Remapping the second page to other
 * code, or rewriting the code on either page (fence.i), changes what runs;
 * unmapping it faults again. The instruction is reached both as the first of a block and
 * after a compressed instruction on the first page.
 *
 * Virtual map (U, 4 KiB pages): 0x10000 -> code1, which ends with c.nop and
 * the low half of `addi a4, a4, imm`; 0x11000 -> invalid, code2 (high half
 * with imm = 1, then ecall) or code3 (imm = 0x100, then ecall).
 */
#include "test.h"
#include "priv.h"

#define VA_P2   0x11000
#define VA_INSN (VA_P2 - 2)      /* the straddling addi */
#define VA_CNOP (VA_P2 - 4)      /* the c.nop before it */
#define PTE_UX  (PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)

/* pt_l0[idx] = PTE(the page at label, flags), then sfence.vma */
#define MAP(idx, label, flags) la a3, label; SET_PTE(pt_l0, idx, a3, flags); sfence.vma
#define UNMAP(idx) la t0, pt_l0; sd zero, (idx) * 8(t0); sfence.vma

/* U-mode from `entry`: the straddling fetch faults on the second page. */
#define U_FETCH_FAULT(n, entry) \
    KILN_TESTNUM(n); li a1, VA_P2; EXPECT_TRAP_TVAL(CAUSE_INSN_PAGE_FAULT, a1); \
    TRAP_RETURN_M(1f); li a2, entry; M_ENTER_REG(MSTATUS_MPP_U, a2); \
1:  CHECK_TRAPPED(n); TRAP_LAST(a4, KT_LAST_EPC); li t2, VA_INSN; KILN_FAIL_IF_NE(a4, t2)

/* U-mode from `entry` to the ecall on the second page: a4 = delta. */
#define U_RUN(n, entry, delta) \
    KILN_TESTNUM(n); li a4, 0; EXPECT_TRAP(CAUSE_ECALL_U); TRAP_RETURN_M(1f); \
    li a2, entry; M_ENTER_REG(MSTATUS_MPP_U, a2); \
1:  CHECK_TRAPPED(n); li t2, delta; KILN_FAIL_IF_NE(a4, t2)

KILN_CODE_BEGIN
    PMP_ALLOW_ALL
    csrw medeleg, zero
    csrw mideleg, zero
    ZERO_PAGES(pt_root, 3)
    la a3, pt_l1; SET_PTE(pt_root, 0, a3, PTE_V)
    la a3, pt_l0; SET_PTE(pt_l1, 0, a3, PTE_V)
    MAP(16, code1, PTE_UX)
    SATP_ON(SATP_MODE_SV39, pt_root)

    /* the second page is unmapped: fault after the c.nop ran */
    U_FETCH_FAULT(1, VA_CNOP)
    /* the handler maps it: the same instruction now runs (as the first of its block) */
    MAP(17, code2, PTE_UX)
    U_RUN(2, VA_INSN, 1)
    U_RUN(3, VA_CNOP, 1)
    /* unmapped again: the translated instruction must not run */
    UNMAP(17)
    U_FETCH_FAULT(4, VA_INSN)
    U_FETCH_FAULT(5, VA_CNOP)
    MAP(17, code2, PTE_UX)
    U_RUN(6, VA_CNOP, 1)
    /* the second page mapped to other code */
    MAP(17, code3, PTE_UX)
    U_RUN(7, VA_CNOP, 0x100)
    U_RUN(8, VA_INSN, 0x100)
    /* that code rewritten: imm = 0x200 */
    la a1, code3; li a2, 0x2007; sh a2, 0(a1); fence.i
    U_RUN(9, VA_CNOP, 0x200)
    U_RUN(10, VA_INSN, 0x200)
    /* the second page without X: a fetch page fault again */
    MAP(17, code2, PTE_UX & ~PTE_X)
    U_FETCH_FAULT(11, VA_INSN)
    MAP(17, code2, PTE_UX)
    U_RUN(12, VA_INSN, 1)
    /* the first page rewritten: rd = a5, so a4 stays 0 */
    la a1, code1 + 4096 - 2; li a2, 0x0793; sh a2, 0(a1); fence.i
    U_RUN(13, VA_INSN, 0)
    la a1, code1 + 4096 - 2; li a2, 0x0713; sh a2, 0(a1); fence.i
    U_RUN(14, VA_CNOP, 1)
KILN_CODE_END

    .pushsection .text.pages, "ax"
    .option push
    .option rvc
    .balign 4096
code1:
    .skip 4096 - 4
    c.nop
    .2byte 0x0713            /* addi a4, a4, imm: the low half */
code2:
    .2byte 0x0017            /* the high half, imm = 1 */
    ecall
    .balign 4096
code3:
    .2byte 0x1007            /* imm = 0x100 */
    ecall
    .balign 4096
    .option pop
    .popsection

    .bss
    .align 12
pt_root: .zero 4096
pt_l1:   .zero 4096
pt_l0:   .zero 4096
