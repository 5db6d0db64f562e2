/* Devices accept only the accesses they declare (issue 12), on the spike
 * board: the CLINT (msip 32-bit only; mtimecmp and mtime 32- or 64-bit;
 * AMOs allowed) and the HTIF words (aligned, 1 to 8 bytes, no AMOs; RAM
 * around them is not reached through them). Anything else is an access
 * fault, cause 5 for loads and 7 for stores and AMOs, mtval = the address,
 * never a misaligned-address exception and never a device access. */
#include "test.h"

#define CLINT_MSIP     0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME    0x200bff8

/* Check n: the instruction (addressing through a1 = addr) raises access fault `cause` with mtval = addr. */
#define TEST_ACCESS_FAULT(n, cause, addr, ...) \
    KILN_TESTNUM(n); la a1, addr; EXPECT_TRAP_TVAL(cause, a1); __VA_ARGS__; CHECK_TRAPPED(n)

KILN_CODE_BEGIN
    /* CLINT msip: 32-bit only. */
    TEST_ACCESS_FAULT(1, CAUSE_LOAD_ACCESS, CLINT_MSIP, lb a4, 0(a1))
    TEST_ACCESS_FAULT(2, CAUSE_LOAD_ACCESS, CLINT_MSIP, lh a4, 0(a1))
    TEST_ACCESS_FAULT(3, CAUSE_LOAD_ACCESS, CLINT_MSIP, ld a4, 0(a1))
    TEST_ACCESS_FAULT(4, CAUSE_STORE_ACCESS, CLINT_MSIP, sb zero, 0(a1))
    TEST_ACCESS_FAULT(5, CAUSE_STORE_ACCESS, CLINT_MSIP, sd zero, 0(a1))
    /* Misaligned: an access fault, not a misaligned-address exception. */
    TEST_ACCESS_FAULT(6, CAUSE_LOAD_ACCESS, CLINT_MSIP + 2, lw a4, 0(a1))
    TEST_ACCESS_FAULT(7, CAUSE_STORE_ACCESS, CLINT_MTIMECMP + 4, sd zero, 0(a1))
    TEST_ACCESS_FAULT(8, CAUSE_LOAD_ACCESS, CLINT_MTIME + 1, lw a4, 0(a1))
    /* What the CLINT accepts. */
    TEST_CASE(9, a4, 0, li a1, CLINT_MSIP; lw a4, 0(a1))
    TEST_CASE(10, a4, -1, li a1, CLINT_MTIMECMP; ld a4, 0(a1))
    TEST_CASE(11, a4, -1, li a1, CLINT_MTIMECMP + 4; lw a4, 0(a1))
    TEST_CASE(12, a4, 1, li a1, CLINT_MTIME; ld a2, 0(a1); ld a3, 0(a1); \
              sub a4, a3, a2; li a5, 1000000; sltu a4, a4, a5)  /* mtime reads, and does not go backwards */
    /* AMOs: allowed on the CLINT (its registers are plain storage). */
    TEST_CASE(13, a4, 0, li a1, CLINT_MSIP; amoor.w a4, zero, (a1))
    TEST_CASE(14, a4, -1, li a1, CLINT_MTIMECMP; li a2, -1; amoswap.d a4, a2, (a1))

    /* HTIF: the words take aligned accesses of any width; no AMOs. */
    TEST_ACCESS_FAULT(20, CAUSE_LOAD_ACCESS, fromhost + 2, lw a4, 0(a1))
    TEST_ACCESS_FAULT(21, CAUSE_STORE_ACCESS, fromhost + 1, sh zero, 0(a1))
    TEST_ACCESS_FAULT(22, CAUSE_STORE_ACCESS, fromhost, amoor.d a4, zero, (a1))
    TEST_ACCESS_FAULT(23, CAUSE_STORE_ACCESS, fromhost, amoswap.w a4, zero, (a1))
    TEST_CASE(24, a4, 0, la a1, fromhost; lbu a4, 3(a1))
    TEST_CASE(25, a4, 0, la a1, fromhost; ld a4, 0(a1))
    /* The RAM beside them is not read or written through them. */
    TEST_ACCESS_FAULT(26, CAUSE_LOAD_ACCESS, fromhost - 4, ld a4, 0(a1))
    TEST_ACCESS_FAULT(27, CAUSE_STORE_ACCESS, fromhost + 4, sd zero, 0(a1))
    TEST_CASE(28, a4, 0x1122334455667788, la a1, fromhost + 8; li a2, 0x1122334455667788; sd a2, 0(a1); \
              ld a4, 0(a1))
KILN_CODE_END
