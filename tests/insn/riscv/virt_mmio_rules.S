/* Devices accept only the accesses they declare (issue 12), on -M virt
 * -bios none with a virtio-rng device in slot 0: the NS16550A (1 to 8
 * bytes, aligned), PLIC and goldfish RTC (32-bit), sifive_test (16- or
 * 32-bit), virtio-mmio (32-bit registers, 8/16/32-bit config space). None
 * takes AMOs. Anything else is an access fault, cause 5 for loads and 7 for
 * stores and AMOs, mtval = the address, never a misaligned-address exception;
 * and an access may not run past the end of a device's window or cross a
 * page into one. Built with -DKILN_BOARD_VIRT (results through sifive_test). */
#include "test.h"

#define UART    0x10000000
#define PLIC    0xc000000
#define RTC     0x101000
#define FINISHER 0x100000
#define VIRTIO0 0x10001000
#define VIRTIO1 0x10002000

/* Check n: the instruction (addressing through a1 = addr) raises access fault `cause` with mtval = addr. */
#define TEST_ACCESS_FAULT(n, cause, addr, ...) \
    KILN_TESTNUM(n); li a1, addr; EXPECT_TRAP_TVAL(cause, a1); __VA_ARGS__; CHECK_TRAPPED(n)

KILN_CODE_BEGIN
    /* NS16550A: any width, aligned, inside its 0x100-byte window. */
    TEST_CASE(1, a4, 0x5a, li a1, UART; li a2, 0x5a; sb a2, 7(a1); lbu a4, 7(a1))  /* SCR */
    TEST_CASE(2, a4, 0, li a1, UART + 6; lhu a4, 0(a1); srli a4, a4, 8)  /* a wider read: the byte register (MSR), zero-extended */
    TEST_ACCESS_FAULT(3, CAUSE_LOAD_ACCESS, UART + 0xfc, ld a4, 0(a1))  /* runs past the window */
    TEST_ACCESS_FAULT(4, CAUSE_LOAD_ACCESS, UART + 1, lh a4, 0(a1))
    TEST_ACCESS_FAULT(5, CAUSE_STORE_ACCESS, UART + 2, sw zero, 0(a1))
    TEST_ACCESS_FAULT(6, CAUSE_STORE_ACCESS, UART, amoor.w a4, zero, (a1))
    TEST_ACCESS_FAULT(7, CAUSE_LOAD_ACCESS, UART + 0x100, lb a4, 0(a1))  /* nothing after it */

    /* PLIC: 32-bit only. */
    TEST_CASE(10, a4, 0, li a1, PLIC + 4; lw a4, 0(a1))
    TEST_ACCESS_FAULT(11, CAUSE_LOAD_ACCESS, PLIC + 4, lb a4, 0(a1))
    TEST_ACCESS_FAULT(12, CAUSE_LOAD_ACCESS, PLIC + 8, ld a4, 0(a1))
    TEST_ACCESS_FAULT(13, CAUSE_STORE_ACCESS, PLIC + 8, sd zero, 0(a1))
    TEST_ACCESS_FAULT(14, CAUSE_STORE_ACCESS, PLIC + 4, amoswap.w a4, zero, (a1))

    /* Goldfish RTC: 32-bit only. */
    TEST_CASE(20, a4, 1, li a1, RTC; lw a2, 4(a1); lw a3, 0(a1); lw a4, 4(a1); sltu a4, zero, a4)
    TEST_ACCESS_FAULT(21, CAUSE_LOAD_ACCESS, RTC, ld a4, 0(a1))
    TEST_ACCESS_FAULT(22, CAUSE_LOAD_ACCESS, RTC + 4, lh a4, 0(a1))
    TEST_ACCESS_FAULT(23, CAUSE_STORE_ACCESS, RTC + 0x10, sb zero, 0(a1))

    /* sifive_test: 16- or 32-bit. */
    TEST_CASE(30, a4, 0, li a1, FINISHER; lw a4, 0(a1))
    TEST_CASE(31, a4, 0, li a1, FINISHER; li a2, 0x1234; sh a2, 0(a1); lhu a4, 0(a1))  /* not a command */
    TEST_ACCESS_FAULT(32, CAUSE_STORE_ACCESS, FINISHER, sb zero, 0(a1))
    TEST_ACCESS_FAULT(33, CAUSE_STORE_ACCESS, FINISHER, sd zero, 0(a1))
    TEST_ACCESS_FAULT(34, CAUSE_STORE_ACCESS, FINISHER, amoor.w a4, zero, (a1))

    /* virtio-mmio: 32-bit registers, 8/16/32-bit config space. */
    TEST_CASE(40, a4, 0x74726976, li a1, VIRTIO0; lw a4, 0(a1))  /* "virt" */
    TEST_CASE(41, a4, 4, li a1, VIRTIO0; lw a4, 8(a1))           /* entropy device */
    TEST_ACCESS_FAULT(42, CAUSE_LOAD_ACCESS, VIRTIO0, lb a4, 0(a1))
    TEST_ACCESS_FAULT(43, CAUSE_LOAD_ACCESS, VIRTIO0, ld a4, 0(a1))
    TEST_ACCESS_FAULT(44, CAUSE_STORE_ACCESS, VIRTIO0 + 0x70, sh zero, 0(a1))
    TEST_ACCESS_FAULT(45, CAUSE_LOAD_ACCESS, VIRTIO0 + 0x100, ld a4, 0(a1))
    TEST_CASE(46, a4, 0, li a1, VIRTIO0 + 0x100; lbu a4, 1(a1))
    TEST_ACCESS_FAULT(47, CAUSE_STORE_ACCESS, VIRTIO0 + 0x70, amoor.w a4, zero, (a1))
    /* A misaligned load crossing the page from slot 0 into slot 1. */
    TEST_ACCESS_FAULT(48, CAUSE_LOAD_ACCESS, VIRTIO1 - 2, lw a4, 0(a1))
    TEST_ACCESS_FAULT(49, CAUSE_STORE_ACCESS, VIRTIO1 - 4, sd zero, 0(a1))
KILN_CODE_END
