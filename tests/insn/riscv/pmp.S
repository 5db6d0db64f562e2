/* Physical memory protection (satp = Bare): with every entry OFF, S/U
 * accesses fail with access faults (fetch 1, load 5, store 7) while M-mode
 * is unaffected; TOR, NA4 and NAPOT regions granting R, W and X separately
 * to U-mode; accesses that match an entry only partly; priority (the
 * lowest-numbered matching entry decides); MPRV; empty TOR ranges; and,
 * last, locked entries: they bind M-mode too, and writes to a locked
 * pmpcfg byte, its pmpaddr, and the pmpaddr below a locked TOR entry are
 * ignored.
 *
 * Scratch region SCR (outside the program image):
 *   SCR+0x0000  4K  entry 1 TOR (pmpaddr0..1)    R
 *   SCR+0x1000  4B  entry 2 NA4                  RW
 *   SCR+0x2000  4K  entry 3 NAPOT                X   (holds an ecall)
 *   SCR+0x4000  4K  entry 4 NAPOT                R
 *   SCR+0x4000  8K  entry 5 NAPOT                RW
 *   SCR+0x6000  4K  entry 6 NAPOT                RW
 *   SCR+0x6000  8K  entry 7 NAPOT                -
 *   SCR+0x8000  4K  entry 8 NAPOT, locked        R
 *   SCR+0xa000  4K  entry 10 TOR (pmpaddr9..10), locked  RW
 *   RAM_BASE    1M  entry 15 NAPOT               RWX (the program)
 */
#include "test.h"
#include "priv.h"

#define RAM_BASE 0x80000000
#define SCR      0x80100000
#define NAPOT(base, size) (((base) >> 2) | (((size) >> 3) - 1))
#define CFG(entry, bits) ((bits) << (8 * ((entry) % 8)))
#define CODE_CFG CFG(15, PMP_NAPOT | PMP_R | PMP_W | PMP_X)
#define PAT 0x5a5a0000a5a5ffff

/* Run a U-mode (or S-mode) snippet that ends in ecall: the access passed. */
#define RUN_OK(n, mode, ecause, snippet) \
    KILN_TESTNUM(n); EXPECT_TRAP(ecause); TRAP_RETURN_M(1f); \
    M_ENTER(mode, snippet); 1: CHECK_TRAPPED(n)
#define U_OK(n, snippet) RUN_OK(n, MSTATUS_MPP_U, CAUSE_ECALL_U, snippet)
#define S_OK(n, snippet) RUN_OK(n, MSTATUS_MPP_S, CAUSE_ECALL_S, snippet)
/* Its first instruction faults with `cause`, tval = addrreg. */
#define RUN_FAULT(n, mode, cause, snippet, addrreg) \
    KILN_TESTNUM(n); EXPECT_TRAP_TVAL(cause, addrreg); TRAP_RETURN_M(1f); \
    M_ENTER(mode, snippet); 1: CHECK_TRAPPED(n)
#define U_FAULT(n, cause, snippet, addrreg) RUN_FAULT(n, MSTATUS_MPP_U, cause, snippet, addrreg)
#define S_FAULT(n, cause, snippet, addrreg) RUN_FAULT(n, MSTATUS_MPP_S, cause, snippet, addrreg)

KILN_CODE_BEGIN
    csrw satp, zero
    csrw medeleg, zero
    csrw mideleg, zero
    /* scratch contents: a pattern in every page, an ecall at SCR+0x2000 */
    li a1, SCR; li a2, PAT; li a3, 16
1:  sd a2, 0(a1); sd a2, 16(a1); li t0, 0x1000; add a1, a1, t0; addi a3, a3, -1; bnez a3, 1b
    li a1, SCR + 0x2000; li a2, 0x00000073; sw a2, 0(a1)
    li a1, SCR + 0x1000; li a2, 0x11223344; sw a2, 0(a1)
    fence.i

    /* ================= every entry OFF ================= */
    csrw pmpcfg0, zero
    csrw pmpcfg2, zero
    sfence.vma                 /* after PMP writes (privileged spec 3.7.2) */
    TEST_CASE(1, a4, 0, csrr a4, pmpcfg0; csrr a5, pmpcfg2; or a4, a4, a5)
    /* U and S cannot even fetch; M-mode (no entry matches) can do anything.
     * (QEMU 7.2 makes mret itself illegal when no PMP entry is active.) */
#ifndef KILN_QEMU_QUIRKS
    la a1, u_load_a1
    U_FAULT(2, CAUSE_FETCH_ACCESS, u_load_a1, a1)
    TEST_CASE(3, a4, 0, TRAP_LAST(a4, KT_LAST_EPC); sub a4, a4, a1)
    CHECK_LAST_STATUS(4, kiln_trap_area, MSTATUS_MPP, MSTATUS_MPP_U)
    la a1, u_load_a1
    S_FAULT(5, CAUSE_FETCH_ACCESS, u_load_a1, a1)
#endif
    TEST_CASE(6, a4, 0x77, li a1, SCR + 0xf000; li a2, 0x77; sd a2, 0(a1); ld a4, 0(a1))

    /* the program itself: entry 15 (lowest priority) */
    li t0, NAPOT(RAM_BASE, 0x100000); csrw pmpaddr15, t0
    li t0, CODE_CFG; csrw pmpcfg2, t0
    sfence.vma
    TEST_CASE(7, a4, CODE_CFG, csrr a4, pmpcfg2)
    /* no entry matches the scratch region: U/S loads, stores, fetches fail */
    li a1, SCR + 0xf000
    U_FAULT(8, CAUSE_LOAD_ACCESS, u_load_a1, a1)
    U_FAULT(9, CAUSE_STORE_ACCESS, u_store_a1, a1)
    U_FAULT(10, CAUSE_FETCH_ACCESS, u_jump_a1, a1)
    TEST_CASE(11, a4, 0, TRAP_LAST(a4, KT_LAST_EPC); sub a4, a4, a1)
    S_FAULT(12, CAUSE_LOAD_ACCESS, s_load_a1, a1)
    /* ... and the failed store did not happen */
    TEST_CASE(13, a4, 0x77, li a1, SCR + 0xf000; ld a4, 0(a1))

    /* ================= TOR / NA4 / NAPOT ================= */
    li t0, SCR >> 2; csrw pmpaddr0, t0
    li t0, (SCR + 0x1000) >> 2; csrw pmpaddr1, t0
    li t0, (SCR + 0x1000) >> 2; csrw pmpaddr2, t0
    li t0, NAPOT(SCR + 0x2000, 0x1000); csrw pmpaddr3, t0
    li t0, NAPOT(SCR + 0x4000, 0x1000); csrw pmpaddr4, t0
    li t0, NAPOT(SCR + 0x4000, 0x2000); csrw pmpaddr5, t0
    li t0, NAPOT(SCR + 0x6000, 0x1000); csrw pmpaddr6, t0
    li t0, NAPOT(SCR + 0x6000, 0x2000); csrw pmpaddr7, t0
#define CFG0 (CFG(1, PMP_TOR | PMP_R) | CFG(2, PMP_NA4 | PMP_R | PMP_W) | \
              CFG(3, PMP_NAPOT | PMP_X) | CFG(4, PMP_NAPOT | PMP_R) | \
              CFG(5, PMP_NAPOT | PMP_R | PMP_W) | CFG(6, PMP_NAPOT | PMP_R | PMP_W) | \
              CFG(7, PMP_NAPOT))
    li t0, CFG0; csrw pmpcfg0, t0
    sfence.vma
    TEST_CASE(14, a4, 0, csrr a4, pmpcfg0; li t0, CFG0; sub a4, a4, t0)
    TEST_CASE(15, a4, NAPOT(SCR + 0x2000, 0x1000), csrr a4, pmpaddr3)

    /* TOR, read only */
    li a1, SCR + 0x10
    U_OK(16, u_load_a1)
    TEST_CASE(17, a4, PAT, nop)                 /* the value U loaded */
    U_FAULT(18, CAUSE_STORE_ACCESS, u_store_a1, a1)
    U_FAULT(19, CAUSE_FETCH_ACCESS, u_jump_a1, a1)
    li a1, SCR + 0xff8
    U_OK(20, u_load_a1)                          /* last doubleword inside */
    li a1, SCR - 8; li a2, 0                     /* below pmpaddr0: entry 15 */
    U_OK(21, u_store_a1)
    /* NA4: exactly four bytes */
    li a1, SCR + 0x1000
    U_OK(22, u_lw_a1)
    TEST_CASE(23, a4, 0x11223344, nop)
    li a2, 0x55667788
    U_OK(24, u_sw_a1)
    TEST_CASE(25, a4, 0x55667788, li a1, SCR + 0x1000; lwu a4, 0(a1))
    li a1, SCR + 0x1004
    U_FAULT(26, CAUSE_LOAD_ACCESS, u_lw_a1, a1)
    /* an 8-byte access that matches the 4-byte entry only partly fails */
    li a1, SCR + 0x1000
    U_FAULT(27, CAUSE_LOAD_ACCESS, u_load_a1, a1)
    U_FAULT(28, CAUSE_STORE_ACCESS, u_store_a1, a1)
    /* NAPOT, execute only: the ecall at SCR+0x2000 runs in U-mode */
    li a1, SCR + 0x2000
    U_OK(29, u_jump_a1)
    TEST_CASE(30, a4, 0, TRAP_LAST(a4, KT_LAST_EPC); sub a4, a4, a1)
    U_FAULT(31, CAUSE_LOAD_ACCESS, u_lw_a1, a1)
    U_FAULT(32, CAUSE_STORE_ACCESS, u_sw_a1, a1)
    li a1, SCR + 0x3000                          /* just past the NAPOT range */
    U_FAULT(33, CAUSE_LOAD_ACCESS, u_load_a1, a1)

    /* ================= priority ================= */
    /* entry 4 (R) wins over entry 5 (RW) in their common 4K */
    li a1, SCR + 0x4000
    U_OK(34, u_load_a1)
    U_FAULT(35, CAUSE_STORE_ACCESS, u_store_a1, a1)
    S_FAULT(36, CAUSE_STORE_ACCESS, s_store_a1, a1)
    li a1, SCR + 0x5000; li a2, 0x3737
    U_OK(37, u_store_a1)                         /* only entry 5 */
    TEST_CASE(38, a4, 0x3737, li a1, SCR + 0x5000; ld a4, 0(a1))
    /* entry 6 (RW) wins over entry 7 (nothing) */
    li a1, SCR + 0x6000; li a2, 0x3939
    U_OK(39, u_store_a1)
    li a1, SCR + 0x7000
    U_FAULT(40, CAUSE_LOAD_ACCESS, u_load_a1, a1)

    /* ================= M-mode and MPRV ================= */
    /* unlocked entries do not restrict M-mode */
    TEST_CASE(41, a4, 0x4141, li a1, SCR + 0x7000; li a2, 0x4141; sd a2, 0(a1); ld a4, 0(a1))
    TEST_CASE(42, a4, 0x4242, li a1, SCR + 0x20; li a2, 0x4242; sd a2, 0(a1); ld a4, 0(a1))
    /* MPRV with MPP = U: M-mode loads/stores get U's permissions */
    li a5, MSTATUS_MPRV
    li t0, MSTATUS_MPP; csrc mstatus, t0
    li a1, SCR + 0x7000
    KILN_TESTNUM(43)
    EXPECT_TRAP_TVAL(CAUSE_LOAD_ACCESS, a1)
    csrs mstatus, a5; ld a4, 0(a1); csrc mstatus, a5
    CHECK_TRAPPED(43)
    li t0, MSTATUS_MPP; csrc mstatus, t0
    li a1, SCR + 0x30
    KILN_TESTNUM(44)
    EXPECT_TRAP_TVAL(CAUSE_STORE_ACCESS, a1)
    csrs mstatus, a5; sd a4, 0(a1); csrc mstatus, a5
    CHECK_TRAPPED(44)
    li t0, MSTATUS_MPP; csrc mstatus, t0
    TEST_CASE(45, a4, PAT, li a1, SCR + 0x4000; csrs mstatus, a5; ld a4, 0(a1); csrc mstatus, a5)

    /* ================= empty TOR ranges ================= */
    /* pmpaddr1 == pmpaddr0, then pmpaddr1 < pmpaddr0: entry 1 matches nothing */
    li a1, SCR + 0x10
    li t0, SCR >> 2; csrw pmpaddr1, t0
    sfence.vma
    U_FAULT(46, CAUSE_LOAD_ACCESS, u_load_a1, a1)
    li t0, (SCR - 0x1000) >> 2; csrw pmpaddr1, t0
    sfence.vma
    U_FAULT(47, CAUSE_LOAD_ACCESS, u_load_a1, a1)
    li t0, (SCR + 0x1000) >> 2; csrw pmpaddr1, t0
    sfence.vma
    U_OK(67, u_load_a1)
    /* moving pmpaddr0 moves the bottom of TOR entry 1 (QEMU 7.2 keeps the
     * old range until pmpcfg0 is written) */
#ifndef KILN_QEMU_QUIRKS
    li t0, (SCR + 0x800) >> 2; csrw pmpaddr0, t0
    sfence.vma
    U_FAULT(68, CAUSE_LOAD_ACCESS, u_load_a1, a1)
    li a1, SCR + 0x810
    U_OK(69, u_load_a1)
    li t0, SCR >> 2; csrw pmpaddr0, t0
    sfence.vma
    li a1, SCR + 0x10
    U_OK(70, u_load_a1)
#endif
    /* RV64 pmpaddr holds bits 55:2 of the address: bits 63:54 read 0
     * (QEMU 7.2 keeps them) */
#ifndef KILN_QEMU_QUIRKS
    TEST_CASE(48, a4, 0, li t0, -1; csrw pmpaddr14, t0; csrr a4, pmpaddr14; srli a4, a4, 54)
#endif
    csrw pmpaddr14, zero

    /* ================= locked entries (last: no way back) ================= */
    li t0, NAPOT(SCR + 0x8000, 0x1000); csrw pmpaddr8, t0
    li t0, (SCR + 0xa000) >> 2; csrw pmpaddr9, t0
    li t0, (SCR + 0xb000) >> 2; csrw pmpaddr10, t0
#define CFG2 (CFG(8, PMP_L | PMP_NAPOT | PMP_R) | CFG(10, PMP_L | PMP_TOR | PMP_R | PMP_W) | CODE_CFG)
    li t0, CFG2; csrw pmpcfg2, t0
    sfence.vma
    TEST_CASE(49, a4, 0, csrr a4, pmpcfg2; li t0, CFG2; sub a4, a4, t0)
    /* a locked entry binds M-mode: read only, no fetch */
    TEST_CASE(50, a4, PAT, li a1, SCR + 0x8000; ld a4, 0(a1))
    li a1, SCR + 0x8000
    KILN_TESTNUM(51)
    EXPECT_TRAP_TVAL(CAUSE_STORE_ACCESS, a1)
1:  sd a2, 0(a1)
    CHECK_TRAPPED(51)
    TEST_CASE(52, a4, 0, TRAP_LAST(a4, KT_LAST_EPC); la t0, 1b; sub a4, a4, t0)
    KILN_TESTNUM(53)
    EXPECT_TRAP_TVAL(CAUSE_FETCH_ACCESS, a1); TRAP_RETURN_M(2f)
    jr a1
2:  CHECK_TRAPPED(53)
    TEST_CASE(54, a4, PAT, li a1, SCR + 0x8000; ld a4, 0(a1))   /* store did not happen */
    li a1, SCR + 0x8000
    U_OK(55, u_load_a1)
    U_FAULT(56, CAUSE_STORE_ACCESS, u_store_a1, a1)
    /* locked TOR entry 10: M may read and write, not fetch */
    TEST_CASE(57, a4, 0x5757, li a1, SCR + 0xa000; li a2, 0x5757; sd a2, 0(a1); ld a4, 0(a1))
    li a1, SCR + 0xa000
    KILN_TESTNUM(58)
    EXPECT_TRAP_TVAL(CAUSE_FETCH_ACCESS, a1); TRAP_RETURN_M(2f)
    jr a1
2:  CHECK_TRAPPED(58)
    /* writes to locked configuration are ignored; unlocked entries in the
     * same pmpcfg register still change */
#define CFG2B (CFG(8, PMP_L | PMP_NAPOT | PMP_R) | CFG(9, PMP_NA4 | PMP_R) | \
               CFG(10, PMP_L | PMP_TOR | PMP_R | PMP_W) | CODE_CFG)
    TEST_CASE(59, a4, 0, li t0, CODE_CFG | CFG(9, PMP_NA4 | PMP_R); csrw pmpcfg2, t0; \
              csrr a4, pmpcfg2; li t0, CFG2B; sub a4, a4, t0)
    TEST_CASE(60, a4, 0, li t0, CFG2; csrw pmpcfg2, t0; csrr a4, pmpcfg2; li t0, CFG2; sub a4, a4, t0)
    TEST_CASE(61, a4, NAPOT(SCR + 0x8000, 0x1000), csrw pmpaddr8, zero; csrr a4, pmpaddr8)
    TEST_CASE(62, a4, (SCR + 0xb000) >> 2, csrw pmpaddr10, zero; csrr a4, pmpaddr10)
    /* pmpaddr9 is the bottom of locked TOR entry 10 (the value tried keeps
     * the program outside the locked range even if the write went through) */
    TEST_CASE(63, a4, (SCR + 0xa000) >> 2, li t0, (SCR + 0xa800) >> 2; csrw pmpaddr9, t0; \
              csrr a4, pmpaddr9)
    /* csrs/csrc on a locked byte change nothing either */
    TEST_CASE(64, a4, 0, li t0, CFG(8, PMP_W | PMP_X); csrs pmpcfg2, t0; \
              li t0, CFG(8, PMP_L); csrc pmpcfg2, t0; \
              csrr a4, pmpcfg2; li t0, CFG2; sub a4, a4, t0)
    /* and the protection is still there */
    li a1, SCR + 0x8000
    TEST_TRAP(65, CAUSE_STORE_ACCESS, sd a2, 0(a1))
    TEST_CASE(66, a4, 0x6666, li a1, SCR + 0xa008; li a2, 0x6666; sd a2, 0(a1); ld a4, 0(a1))

KILN_CODE_END

    .align 2
u_load_a1:
    ld a4, 0(a1)
    ecall
    j kiln_fail
u_lw_a1:
    lwu a4, 0(a1)
    ecall
    j kiln_fail
u_store_a1:
    sd a2, 0(a1)
    ecall
    j kiln_fail
u_sw_a1:
    sw a2, 0(a1)
    ecall
    j kiln_fail
u_jump_a1:
    jr a1
s_load_a1:
    ld a4, 0(a1)
    ecall
    j kiln_fail
s_store_a1:
    sd a2, 0(a1)
    ecall
    j kiln_fail
