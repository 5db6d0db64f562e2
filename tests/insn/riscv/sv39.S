/* Sv39 address translation: page tables built here in the program's own
 * memory, S- and U-mode accesses through 4 KiB, 2 MiB and 1 GiB pages,
 * aliasing, every page-fault reason (invalid, reserved W-without-R,
 * non-canonical address, misaligned superpages, U/S permission with SUM,
 * read-only, non-executable, execute-only with MXR), faults taken in M and
 * delegated to S (cause, stval/mtval = faulting virtual address, sepc/mepc),
 * hardware A/D updates, sfence.vma, a misaligned access that crosses into an
 * unmapped page, and MPRV loads/stores from M-mode.
 *
 * Virtual memory map (satp = Sv39, root = pt_root):
 *   0x0000_1000  4K  -> page_a  RW          0x0000_2000  4K -> page_a RW (alias)
 *   0x0000_3000  4K  invalid (V = 0)        0x0000_4000  4K -> page_a W only
 *   0x0000_5000  4K  -> page_a  R only      0x0000_6000  4K -> page_a RW U
 *   0x0000_7000  4K  -> page_b  X only      0x0000_8000  4K -> page_b RW, A = 0
 *   0x0000_9000  4K  -> page_b  RW, A = D = 0
 *   0x0000_a000  4K  -> page_a, then page_b (sfence.vma)
 *   0x0000_b000  4K  -> page_a  RW          0x0000_c000  4K invalid
 *   0x0020_0000  2M  -> RAM_BASE RW         0x0040_0000  2M misaligned leaf
 *   0x4000_0000  1G  -> RAM_BASE RWX U (user alias of the program)
 *   0x8000_0000  1G  -> RAM_BASE RWX (identity: code, data, tables)
 *   0xc000_0000  1G  misaligned leaf (PPN[1] != 0)
 *   0x1_0000_0000 1G -> RAM_BASE RW
 *   0xffff_ffc0_0000_0000 1G -> RAM_BASE RW (top half of the space)
 */
#include "test.h"
#include "priv.h"

#define RAM_BASE  0x80000000
#define USER_OFF  0x40000000   /* user alias = identity - USER_OFF */

#define VA_A    0x1000
#define VA_A2   0x2000
#define VA_INV  0x3000
#define VA_WO   0x4000
#define VA_RO   0x5000
#define VA_U    0x6000
#define VA_XO   0x7000
#define VA_NOA  0x8000
#define VA_NOD  0x9000
#define VA_SF   0xa000
#define VA_X1   0xb000
#define VA_X2   0xc000
#define VA_MEGA 0x200000
#define VA_MEGA_BAD 0x400000
#define VA_GIGA_BAD 0xc0000000
#define VA_GIGA 0x100000000
#define VA_HIGH 0xffffffc000000000

#define PAT_A 0x1111222233334444
#define PAT_B 0x5555666677778888
#define KNOWN 0x0123456789abcdef

/* reg = base + (label - RAM_BASE): label's address through another mapping */
#define VA_OF(reg, label, base) \
    la reg, label; li t0, RAM_BASE; sub reg, reg, t0; li t0, base; add reg, reg, t0
/* reg = user-alias address of label */
#define UVA_OF(reg, label) la reg, label; li t0, USER_OFF; sub reg, reg, t0


/* Expect a load/store/fetch page fault in M (not delegated) at the labelled
 * instruction with mtval = addr register. */
#define M_FAULT(n, cause, addrreg, ...) \
    KILN_TESTNUM(n); EXPECT_TRAP_TVAL(cause, addrreg); \
    1: __VA_ARGS__; CHECK_TRAPPED(n); \
    TRAP_LAST(a4, KT_LAST_EPC); la t2, 1b; KILN_FAIL_IF_NE(a4, t2)
/* Same, delegated to S (checks stval and sepc). */
#define S_FAULT(n, cause, addrreg, ...) \
    KILN_TESTNUM(n); S_EXPECT_TRAP_TVAL(cause, addrreg); \
    1: __VA_ARGS__; S_CHECK_TRAPPED(n); \
    S_TRAP_LAST(a4, KT_LAST_EPC); la t2, 1b; KILN_FAIL_IF_NE(a4, t2)
/* Fetch fault delegated to S: jump to addrreg, expect sepc = stval = it. */
#define S_FETCH_FAULT(n, addrreg) \
    KILN_TESTNUM(n); S_EXPECT_TRAP_TVAL(CAUSE_INSN_PAGE_FAULT, addrreg); \
    S_TRAP_RETURN(1f); jr addrreg; j kiln_fail; \
    1: S_CHECK_TRAPPED(n); S_TRAP_LAST(a4, KT_LAST_EPC); mv t2, addrreg; \
    KILN_FAIL_IF_NE(a4, t2)

KILN_CODE_BEGIN
    KILN_PRIV_SETUP
    PMP_ALLOW_ALL
    csrw medeleg, zero
    csrw mideleg, zero

    /* ---- build the tables (physical addresses, M-mode) */
    ZERO_PAGES(pt_root, 5)    /* pt_root, pt_l1, pt_l0, page_a, page_b */

    la a1, page_a; li a2, PAT_A; sd a2, 0(a1); li a2, -1; addi a1, a1, 2047; sd a2, 2041(a1)
    la a1, page_b; li a2, PAT_B; sd a2, 0(a1)

    la a3, pt_l1;  SET_PTE(pt_root, 0, a3, PTE_V)
    li a3, RAM_BASE
    SET_PTE(pt_root, 1, a3, PTE_RWX_AD | PTE_U)
    SET_PTE(pt_root, 2, a3, PTE_RWX_AD)
    SET_PTE(pt_root, 4, a3, PTE_RW_AD)
    SET_PTE(pt_root, 256, a3, PTE_RW_AD)
    li a3, RAM_BASE + 0x200000
    SET_PTE(pt_root, 3, a3, PTE_RW_AD)           /* PPN[1] = 1: misaligned */

    la a3, pt_l0;  SET_PTE(pt_l1, 0, a3, PTE_V)
    li a3, RAM_BASE
    SET_PTE(pt_l1, 1, a3, PTE_RW_AD)
    li a3, RAM_BASE + 0x1000
    SET_PTE(pt_l1, 2, a3, PTE_RW_AD)             /* PPN[0] = 1: misaligned */

    la a3, page_a
    SET_PTE(pt_l0, 1, a3, PTE_RW_AD)
    SET_PTE(pt_l0, 2, a3, PTE_RW_AD)
    SET_PTE(pt_l0, 3, a3, PTE_RWX_AD & ~PTE_V)   /* everything but V */
    SET_PTE(pt_l0, 4, a3, PTE_V | PTE_W | PTE_A | PTE_D)
    SET_PTE(pt_l0, 5, a3, PTE_V | PTE_R | PTE_A)
    SET_PTE(pt_l0, 6, a3, PTE_RW_AD | PTE_U)
    SET_PTE(pt_l0, 10, a3, PTE_RW_AD)
    SET_PTE(pt_l0, 11, a3, PTE_RW_AD)
    la a3, page_b
    SET_PTE(pt_l0, 7, a3, PTE_V | PTE_X | PTE_A)
    SET_PTE(pt_l0, 8, a3, PTE_V | PTE_R | PTE_W)
    SET_PTE(pt_l0, 9, a3, PTE_V | PTE_R | PTE_W)

    SATP_ON(SATP_MODE_SV39, pt_root)
    TEST_CASE(1, a4, 0, csrr a4, satp; sub a4, a4, a1)

    /* ================= S-mode, page faults taken in M ================ */
    M_ENTER(MSTATUS_MPP_S, s1)
s1:
    TEST_CASE(2, a4, PAT_A, li a1, VA_A; ld a4, 0(a1))
    /* aliasing: two virtual pages on one physical page */
    TEST_CASE(3, a4, 0x5a5a, li a1, VA_A2; li a2, 0x5a5a; sd a2, 8(a1); \
              li a1, VA_A; ld a4, 8(a1))
    TEST_CASE(4, a4, 0x6b6b, li a1, VA_A; li a2, 0x6b6b; sw a2, 16(a1); \
              li a1, VA_A2; lwu a4, 16(a1))
    /* 2 MiB page */
    TEST_CASE(5, a4, KNOWN, VA_OF(a1, known, VA_MEGA); ld a4, 0(a1))
    TEST_CASE(6, a4, 0x77, VA_OF(a1, known, VA_MEGA); li a2, 0x77; sd a2, 8(a1); \
              la a1, known; ld a4, 8(a1))
    /* 1 GiB pages, also in the upper half of the address space */
    TEST_CASE(7, a4, KNOWN, VA_OF(a1, known, VA_GIGA); ld a4, 0(a1))
    TEST_CASE(8, a4, KNOWN, VA_OF(a1, known, VA_HIGH); ld a4, 0(a1))
    TEST_CASE(9, a4, 0x99, VA_OF(a1, known, VA_GIGA); li a2, 0x99; sd a2, 16(a1); \
              VA_OF(a1, known, VA_HIGH); ld a4, 16(a1))
    /* non-canonical: bits 63:39 are not copies of bit 38 (the low bits
     * would select valid gigapages) */
    VA_OF(a1, known, 0x4000000000)
    M_FAULT(10, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    VA_OF(a1, known, 0x8000000080000000)
    M_FAULT(11, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    VA_OF(a1, known, 0xffffff8080000000)
    M_FAULT(12, CAUSE_STORE_PAGE_FAULT, a1, sd a4, 0(a1))
    /* V = 0 */
    li a1, VA_INV + 0x10
    M_FAULT(13, CAUSE_LOAD_PAGE_FAULT, a1, lw a4, 0(a1))
    M_FAULT(14, CAUSE_STORE_PAGE_FAULT, a1, sb a4, 0(a1))
    /* an AMO faults as a store/AMO, even where its read would fault first */
    M_FAULT(73, CAUSE_STORE_PAGE_FAULT, a1, amoadd.w a4, a2, (a1))
    /* the faulting load did not write its destination */
    TEST_CASE(15, a4, 0x1234, li a4, 0x1234; li a1, VA_INV; EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT); \
              ld a4, 0(a1); CHECK_TRAPPED(15))
    /* fetch from an invalid page: mepc = mtval = the target, back in M */
    KILN_TESTNUM(16)
    li a1, VA_INV
    EXPECT_TRAP_TVAL(CAUSE_INSN_PAGE_FAULT, a1); TRAP_RETURN_M(2f)
    jr a1
    j kiln_fail
2:  CHECK_TRAPPED(16)
    TEST_CASE(17, a4, VA_INV, TRAP_LAST(a4, KT_LAST_EPC))
    CHECK_LAST_STATUS(18, kiln_trap_area, MSTATUS_MPP, MSTATUS_MPP_S)

    /* ================= S-mode, page faults delegated to S =========== */
    li t0, (1 << CAUSE_INSN_PAGE_FAULT) | (1 << CAUSE_LOAD_PAGE_FAULT) | \
           (1 << CAUSE_STORE_PAGE_FAULT) | (1 << CAUSE_ECALL_U)
    csrw medeleg, t0
    TRAP_LAST(s1, KT_COUNT)          /* M-mode traps so far */
    M_ENTER(MSTATUS_MPP_S, s2)
s2:
    /* W without R is reserved */
    li a1, VA_WO + 8
    S_FAULT(19, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    S_FAULT(20, CAUSE_STORE_PAGE_FAULT, a1, sd a4, 0(a1))
    CHECK_LAST_STATUS(21, kiln_strap_area, MSTATUS_SPP, MSTATUS_SPP)
    /* misaligned superpages */
    li a1, VA_MEGA_BAD + 0x1000
    S_FAULT(22, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    li a1, VA_GIGA_BAD + 0x1000
    S_FAULT(23, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    /* U page from S: fault without SUM, allowed with SUM */
    li a1, VA_U
    S_FAULT(24, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    S_FAULT(25, CAUSE_STORE_PAGE_FAULT, a1, sd a4, 0(a1))
    li t0, MSTATUS_SUM; csrs sstatus, t0
    TEST_CASE(26, a4, PAT_A, li a1, VA_U; ld a4, 0(a1))
    TEST_CASE(27, a4, 0x2727, li a1, VA_U; li a2, 0x2727; sd a2, 24(a1); \
              li a1, VA_A; ld a4, 24(a1))
    /* S-mode fetch from a U page faults even with SUM */
    UVA_OF(a1, s_dummy)
    S_FETCH_FAULT(28, a1)
    li t0, MSTATUS_SUM; csrc sstatus, t0
    /* and without SUM again, the U page faults again (no translation made
     * under SUM may survive clearing it) */
    li a1, VA_U
    S_FAULT(71, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    S_FAULT(72, CAUSE_STORE_PAGE_FAULT, a1, sd a4, 0(a1))
    /* read-only page */
    li a1, VA_RO + 0x20
    S_FAULT(29, CAUSE_STORE_PAGE_FAULT, a1, sd a4, 0(a1))
    S_FAULT(30, CAUSE_STORE_PAGE_FAULT, a1, amoadd.d a4, a2, (a1))
    TEST_CASE(31, a4, PAT_A, li a1, VA_RO; ld a4, 0(a1))
    /* fetch from a page without X */
    li a1, VA_A
    S_FETCH_FAULT(32, a1)
    /* execute-only page: loads fault unless MXR */
    li a1, VA_XO
    S_FAULT(33, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    li t0, MSTATUS_MXR; csrs sstatus, t0
    TEST_CASE(34, a4, PAT_B, li a1, VA_XO; ld a4, 0(a1))
    /* MXR does not make it writable */
    S_FAULT(35, CAUSE_STORE_PAGE_FAULT, a1, sd a4, 0(a1))
    li t0, MSTATUS_MXR; csrc sstatus, t0
    S_FAULT(36, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))

    /* sfence.vma makes a changed PTE visible (S writes the PTE through the
     * identity mapping of the tables) */
    TEST_CASE(37, a4, PAT_A, li a1, VA_SF; ld a4, 0(a1))
    TEST_CASE(38, a4, PAT_B, la a3, page_b; srli a3, a3, 12; slli a3, a3, 10; \
              ori a3, a3, PTE_RW_AD; PTE_ADDR(a2, pt_l0, 10); sd a3, 0(a2); \
              sfence.vma; li a1, VA_SF; ld a4, 0(a1))
    TEST_CASE(39, a4, PAT_A, la a3, page_a; srli a3, a3, 12; slli a3, a3, 10; \
              ori a3, a3, PTE_RW_AD; PTE_ADDR(a2, pt_l0, 10); sd a3, 0(a2); \
              li a1, VA_SF; sfence.vma a1, zero; ld a4, 0(a1))
    /* invalidating the PTE + sfence.vma: the page is gone */
    PTE_ADDR(a2, pt_l0, 10); sd zero, 0(a2); sfence.vma
    li a1, VA_SF
    S_FAULT(40, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))

    /* misaligned access crossing from a mapped into an unmapped page:
     * page fault, stval = the address of the faulting part */
    li a1, VA_X1 + 0xffc
    li a3, VA_X2
    S_FAULT(41, CAUSE_LOAD_PAGE_FAULT, a3, ld a4, 0(a1))
    S_FAULT(42, CAUSE_STORE_PAGE_FAULT, a3, sd a4, 0(a1))
    /* ... while the same load within the mapped page works */
    TEST_CASE(43, a4, -1, li a1, VA_X1 + 0xff8; ld a4, 0(a1))

    /* ---- U-mode (code runs in the U alias of the program) */
    KILN_TESTNUM(44)
    S_EXPECT_TRAP(CAUSE_ECALL_U); S_TRAP_RETURN(2f)
    UVA_OF(a1, u_load_upage)
    S_ENTER_U_REG(a1)
2:  S_CHECK_TRAPPED(44)
    TEST_CASE(45, a4, PAT_A, nop)               /* U loaded the U page */
    CHECK_LAST_STATUS(46, kiln_strap_area, MSTATUS_SPP, 0)
    /* U-mode load / store / fetch of a non-U (supervisor) page */
    KILN_TESTNUM(47)
    la a1, known                                  /* identity = S page */
    S_EXPECT_TRAP_TVAL(CAUSE_LOAD_PAGE_FAULT, a1); S_TRAP_RETURN(2f)
    UVA_OF(a2, u_load_a1)
    S_ENTER_U_REG(a2)
2:  S_CHECK_TRAPPED(47)
    CHECK_LAST(48, kiln_strap_area, KT_LAST_EPC, a2)
    KILN_TESTNUM(49)
    la a1, known
    S_EXPECT_TRAP_TVAL(CAUSE_STORE_PAGE_FAULT, a1); S_TRAP_RETURN(2f)
    UVA_OF(a2, u_store_a1)
    S_ENTER_U_REG(a2)
2:  S_CHECK_TRAPPED(49)
    KILN_TESTNUM(50)
    la a1, s_dummy
    S_EXPECT_TRAP_TVAL(CAUSE_INSN_PAGE_FAULT, a1); S_TRAP_RETURN(2f)
    UVA_OF(a2, u_jump_a1)
    S_ENTER_U_REG(a2)
2:  S_CHECK_TRAPPED(50)
    CHECK_LAST(51, kiln_strap_area, KT_LAST_EPC, a1)
    /* SUM does not matter for U-mode */
    KILN_TESTNUM(52)
    li t0, MSTATUS_SUM; csrs sstatus, t0
    la a1, known
    S_EXPECT_TRAP_TVAL(CAUSE_LOAD_PAGE_FAULT, a1); S_TRAP_RETURN(2f)
    UVA_OF(a2, u_load_a1)
    S_ENTER_U_REG(a2)
2:  S_CHECK_TRAPPED(52)
    li t0, MSTATUS_SUM; csrc sstatus, t0
    /* the delegated traps did not reach M: only this ecall did */
    S_BACK_TO_M(CAUSE_ECALL_S, m3)
m3:
    TEST_CASE(53, a4, 1, TRAP_LAST(a4, KT_COUNT); sub a4, a4, s1)

    /* ---- a U-mode page fault taken in M */
    csrw medeleg, zero
    KILN_TESTNUM(54)
    la a1, known
    EXPECT_TRAP_TVAL(CAUSE_LOAD_PAGE_FAULT, a1); TRAP_RETURN_M(2f)
    UVA_OF(a2, u_load_a1)
    M_ENTER_REG(MSTATUS_MPP_U, a2)
2:  CHECK_TRAPPED(54)
    CHECK_LAST(55, kiln_trap_area, KT_LAST_EPC, a2)
    CHECK_LAST_STATUS(56, kiln_trap_area, MSTATUS_MPP, MSTATUS_MPP_U)

    /* ================= A and D bits ================================= */
    M_ENTER(MSTATUS_MPP_S, s4)
s4:
    TEST_CASE(57, a4, PAT_B, li a1, VA_NOA; ld a4, 0(a1))
    TEST_CASE(58, a4, 0x5858, li a1, VA_NOD; li a2, 0x5858; sd a2, 8(a1); \
              li a1, VA_NOA; ld a4, 8(a1))
    S_BACK_TO_M(CAUSE_ECALL_S, m4)
m4:
    /* the load set A (only); the store set A and D */
    TEST_CASE(59, a4, PTE_A, PTE_ADDR(a1, pt_l0, 8); ld a4, 0(a1); \
              andi a4, a4, PTE_A | PTE_D)
    TEST_CASE(60, a4, PTE_A | PTE_D, PTE_ADDR(a1, pt_l0, 9); ld a4, 0(a1); \
              andi a4, a4, PTE_A | PTE_D)
    /* the rest of the PTE is unchanged */
    TEST_CASE(61, a4, 0, PTE_ADDR(a1, pt_l0, 9); ld a4, 0(a1); \
              la a3, page_b; srli a3, a3, 12; slli a3, a3, 10; \
              ori a3, a3, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D; sub a4, a4, a3)

    /* ================= MPRV ========================================= */
    li t0, (1 << CAUSE_LOAD_PAGE_FAULT) | (1 << CAUSE_STORE_PAGE_FAULT)
    csrw medeleg, t0
    li a5, MSTATUS_MPRV
#define MPP_TO(mode) li t0, MSTATUS_MPP; csrc mstatus, t0; li t0, mode; csrs mstatus, t0
    /* MPP = S: M-mode loads and stores go through the S translation */
    TEST_CASE(62, a4, PAT_A, MPP_TO(MSTATUS_MPP_S); li a1, VA_A; \
              csrs mstatus, a5; ld a4, 0(a1); csrc mstatus, a5)
    TEST_CASE(63, a4, 0x6363, MPP_TO(MSTATUS_MPP_S); li a1, VA_A2; li a2, 0x6363; \
              csrs mstatus, a5; sd a2, 32(a1); csrc mstatus, a5; \
              la a1, page_a; ld a4, 32(a1))
    /* the fault is taken in M (traps never go down), despite medeleg */
    KILN_TESTNUM(64)
    MPP_TO(MSTATUS_MPP_S)
    li a1, VA_INV
    EXPECT_TRAP_TVAL(CAUSE_LOAD_PAGE_FAULT, a1)
    csrs mstatus, a5
    ld a4, 0(a1)
    csrc mstatus, a5
    CHECK_TRAPPED(64)
    CHECK_LAST_STATUS(65, kiln_trap_area, MSTATUS_MPP, MSTATUS_MPP_M)
    /* MPP = S honours SUM */
    KILN_TESTNUM(66)
    MPP_TO(MSTATUS_MPP_S)
    li a1, VA_U
    EXPECT_TRAP_TVAL(CAUSE_LOAD_PAGE_FAULT, a1)
    csrs mstatus, a5
    ld a4, 0(a1)
    csrc mstatus, a5
    CHECK_TRAPPED(66)
    TEST_CASE(67, a4, PAT_A, MPP_TO(MSTATUS_MPP_S); li a1, VA_U; li t0, MSTATUS_SUM; \
              csrs mstatus, t0; csrs mstatus, a5; ld a4, 0(a1); csrc mstatus, a5; \
              csrc mstatus, t0)
    /* MPP = U: U permissions */
    TEST_CASE(68, a4, PAT_A, MPP_TO(MSTATUS_MPP_U); li a1, VA_U; \
              csrs mstatus, a5; ld a4, 0(a1); csrc mstatus, a5)
    KILN_TESTNUM(69)
    MPP_TO(MSTATUS_MPP_U)
    li a1, VA_A
    EXPECT_TRAP_TVAL(CAUSE_STORE_PAGE_FAULT, a1)
    csrs mstatus, a5
    sd a4, 0(a1)
    csrc mstatus, a5
    CHECK_TRAPPED(69)
    /* without MPRV, M-mode is untranslated (nothing at this physical
     * address) */
    VA_OF(a1, known, VA_GIGA)
    TEST_TRAP(70, CAUSE_LOAD_ACCESS, ld a4, 0(a1))
    TEST_TRAP(74, CAUSE_STORE_ACCESS, amoadd.d a4, a2, (a1))

KILN_CODE_END
    KILN_PRIV_HANDLERS

    .align 2
s_dummy:
    j kiln_fail
/* U-mode snippets, entered through the user alias (they use registers
 * only, so they work at any address) */
u_load_upage:
    li a1, VA_U
    ld a4, 0(a1)
    ecall
    j kiln_fail
u_load_a1:
    ld a4, 0(a1)
    ecall
    j kiln_fail
u_store_a1:
    sd a4, 0(a1)
    ecall
    j kiln_fail
u_jump_a1:
    jr a1

    .data
    .align 3
known:
    .dword KNOWN
    .dword 0, 0, 0

    .bss
    .align 12
pt_root: .zero 4096
pt_l1:   .zero 4096
pt_l0:   .zero 4096
page_a:  .zero 4096
page_b:  .zero 4096
