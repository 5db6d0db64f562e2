/* Sv48 address translation: satp mode probing (Sv57 and reserved modes
 * leave satp unchanged, Sv39/Sv48 are accepted), a four-level walk to a
 * 4 KiB page, 2 MiB / 1 GiB / 512 GiB superpages, misaligned superpages at
 * the 1 GiB and 512 GiB levels, canonical-address rules for 48-bit virtual
 * addresses (canonical for Sv48 but not for Sv39), and A/D updates.
 *
 * Virtual memory map (satp = Sv48, root = pt_l3):
 *   0x0000_1000            4K   -> page_a RW
 *   0x0000_2000            4K   -> page_a RW, A = D = 0
 *   0x0020_0000            2M   -> RAM_BASE RW
 *   0x8000_0000            1G   -> RAM_BASE RWX (identity)
 *   0xc000_0000            1G   misaligned leaf
 *   0x0080_0000_0000       512G misaligned leaf (PPN = RAM_BASE >> 12)
 *   0x0100_0000_0000       512G -> physical 0 RW
 *   0xffff_8000_0000_0000  512G -> physical 0 RW
 * pt_l2 doubles as an Sv39 root (its entries describe the same first GiBs).
 */
#include "test.h"
#include "priv.h"

#define RAM_BASE 0x80000000
#define VA_A     0x1000
#define VA_NOAD  0x2000
#define VA_MEGA  0x200000
#define VA_GIGA_BAD 0xc0000000
#define VA_TERA_BAD 0x8000000000
#define VA_TERA  0x10000000000
#define VA_HIGH  0xffff800000000000
#define PAT_A 0x0a0b0c0d0e0f1011
#define KNOWN 0x4848484839393939

#define VA_OF(reg, label, base) \
    la reg, label; li t0, RAM_BASE; sub reg, reg, t0; li t0, base; add reg, reg, t0
#define M_FAULT(n, cause, addrreg, ...) \
    KILN_TESTNUM(n); EXPECT_TRAP_TVAL(cause, addrreg); \
    1: __VA_ARGS__; CHECK_TRAPPED(n); \
    TRAP_LAST(a4, KT_LAST_EPC); la t2, 1b; KILN_FAIL_IF_NE(a4, t2)

KILN_CODE_BEGIN
    KILN_PRIV_SETUP
    PMP_ALLOW_ALL
    csrw medeleg, zero
    csrw mideleg, zero

    ZERO_PAGES(pt_l3, 5)
    la a1, page_a; li a2, PAT_A; sd a2, 0(a1)

    la a3, pt_l2; SET_PTE(pt_l3, 0, a3, PTE_V)
    li a3, RAM_BASE
    SET_PTE(pt_l3, 1, a3, PTE_RW_AD)             /* PPN[3:0] != 0 */
    li a3, 0
    SET_PTE(pt_l3, 2, a3, PTE_RW_AD)
    SET_PTE(pt_l3, 256, a3, PTE_RW_AD)
    la a3, pt_l1; SET_PTE(pt_l2, 0, a3, PTE_V)
    li a3, RAM_BASE
    SET_PTE(pt_l2, 2, a3, PTE_RWX_AD)
    li a3, RAM_BASE + 0x200000
    SET_PTE(pt_l2, 3, a3, PTE_RW_AD)             /* PPN[1] != 0 */
    la a3, pt_l0; SET_PTE(pt_l1, 0, a3, PTE_V)
    li a3, RAM_BASE
    SET_PTE(pt_l1, 1, a3, PTE_RW_AD)
    la a3, page_a
    SET_PTE(pt_l0, 1, a3, PTE_RW_AD)
    SET_PTE(pt_l0, 2, a3, PTE_V | PTE_R | PTE_W)

    /* ---- satp probing (M-mode) */
    la a1, pt_l3; srli a1, a1, 12                 /* a1 = root PPN */
    li a2, SATP_MODE_SV48; or a2, a2, a1          /* a2 = Sv48 value */
#ifndef KILN_QEMU_QUIRKS
    /* (QEMU 7.2 implements Sv57, so it accepts these writes) */
    /* from Bare, an Sv57 write is ignored */
    TEST_CASE(1, a4, 0, csrw satp, zero; li t0, SATP_MODE_SV57; or t0, t0, a1; \
              csrw satp, t0; csrr a4, satp)
    csrw satp, a2
    /* mode 10 (Sv57): the whole write has no effect */
    TEST_CASE(2, a4, 0, li t0, SATP_MODE_SV57 | 0x123; csrw satp, t0; \
              csrr a4, satp; sub a4, a4, a2)
    /* csrrw returns the old value even when the new one is dropped */
    TEST_CASE(3, a4, 0, li t0, SATP_MODE_SV57; csrrw a4, satp, t0; sub a4, a4, a2)
#endif
    TEST_CASE(4, a4, 0, csrw satp, a2; csrr a4, satp; sub a4, a4, a2)
    /* reserved modes 1 and 15 */
    TEST_CASE(5, a4, 0, li t0, (1 << 60) | 5; csrw satp, t0; csrr a4, satp; sub a4, a4, a2)
    TEST_CASE(6, a4, 0, li t0, (15 << 60) | 5; csrw satp, t0; csrr a4, satp; sub a4, a4, a2)
    /* Sv39 (8) and Sv48 (9) are accepted */
    TEST_CASE(7, a4, 8, li t0, SATP_MODE_SV39; or t0, t0, a1; csrw satp, t0; \
              csrr a4, satp; srli a4, a4, 60)
    TEST_CASE(8, a4, 9, csrw satp, a2; csrr a4, satp; srli a4, a4, 60)
    TEST_CASE(9, a4, 0, csrr a4, satp; sub a4, a4, a2)
    sfence.vma

    /* ---- S-mode, faults taken in M */
    M_ENTER(MSTATUS_MPP_S, s1)
s1:
    TEST_CASE(10, a4, PAT_A, li a1, VA_A; ld a4, 0(a1))
    TEST_CASE(11, a4, KNOWN, VA_OF(a1, known, VA_MEGA); ld a4, 0(a1))
    TEST_CASE(12, a4, KNOWN, la a1, known; ld a4, 0(a1))
    /* 512 GiB page at a VA that is canonical for Sv48 but not for Sv39 */
    TEST_CASE(13, a4, KNOWN, la a1, known; li t0, VA_TERA; add a1, a1, t0; ld a4, 0(a1))
    TEST_CASE(14, a4, KNOWN, la a1, known; li t0, VA_HIGH; add a1, a1, t0; ld a4, 0(a1))
    TEST_CASE(15, a4, 0x1515, la a1, known; li t0, VA_TERA; add a1, a1, t0; \
              li a2, 0x1515; sd a2, 8(a1); la a1, known; ld a4, 8(a1))
    /* misaligned superpages */
    li a1, VA_TERA_BAD + 0x80000000
    M_FAULT(16, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    M_FAULT(17, CAUSE_STORE_PAGE_FAULT, a1, sd a4, 0(a1))
    li a1, VA_GIGA_BAD
    M_FAULT(18, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    /* not canonical for Sv48 (bits 63:48 differ from bit 47); the low 48
     * bits alone would hit valid mappings */
    VA_OF(a1, known, 0x0001000080000000)
    M_FAULT(19, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    VA_OF(a1, known, 0xffff000080000000)
    M_FAULT(20, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    VA_OF(a1, known, 0x7fff800080000000)
    M_FAULT(21, CAUSE_STORE_PAGE_FAULT, a1, sd a4, 0(a1))
    /* fetch through the 512 GiB page (no X): page fault */
    KILN_TESTNUM(22)
    la a1, s_dummy; li t0, VA_TERA; add a1, a1, t0
    EXPECT_TRAP_TVAL(CAUSE_INSN_PAGE_FAULT, a1); TRAP_RETURN_M(2f)
    jr a1
    j kiln_fail
2:  CHECK_TRAPPED(22)
    TEST_CASE(23, a4, 0, TRAP_LAST(a4, KT_LAST_EPC); sub a4, a4, a1)

    /* ---- A/D through four levels */
    M_ENTER(MSTATUS_MPP_S, s2)
s2:
    TEST_CASE(24, a4, 0x2424, li a1, VA_NOAD; li a2, 0x2424; sd a2, 8(a1); ld a4, 8(a1))
    S_BACK_TO_M(CAUSE_ECALL_S, m2)
m2:
    TEST_CASE(25, a4, PTE_A | PTE_D, PTE_ADDR(a1, pt_l0, 2); ld a4, 0(a1); \
              andi a4, a4, PTE_A | PTE_D)

    /* ---- the same tables read as Sv39 (pt_l2 as root): the Sv48-only
     * address is no longer canonical, the low ones still translate */
    la a1, pt_l2; srli a1, a1, 12; li t0, SATP_MODE_SV39; or a1, a1, t0
    csrw satp, a1
    sfence.vma
    M_ENTER(MSTATUS_MPP_S, s3)
s3:
    TEST_CASE(26, a4, PAT_A, li a1, VA_A; ld a4, 0(a1))
    la a1, known; li t0, VA_TERA; add a1, a1, t0
    M_FAULT(27, CAUSE_LOAD_PAGE_FAULT, a1, ld a4, 0(a1))
    S_BACK_TO_M(CAUSE_ECALL_S, m3)
m3:
    csrw satp, zero
    sfence.vma

KILN_CODE_END
    KILN_PRIV_HANDLERS

    .align 2
s_dummy:
    j kiln_fail

    .data
    .align 3
known:
    .dword KNOWN
    .dword 0

    .bss
    .align 12
pt_l3:  .zero 4096
pt_l2:  .zero 4096
pt_l1:  .zero 4096
pt_l0:  .zero 4096
page_a: .zero 4096
