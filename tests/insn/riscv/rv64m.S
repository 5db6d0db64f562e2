/* RV64M: mul/mulh/mulhsu/mulhu/mulw, div/divu/rem/remu and the W forms,
 * including division by zero (quotient all ones, remainder = dividend) and
 * signed overflow (MIN / -1 = MIN, remainder 0); W results sign-extended. */
#include "test.h"

#define MIN64 0x8000000000000000
#define MAX64 0x7fffffffffffffff

KILN_CODE_BEGIN

    /* ---- mul (low 64 bits) */
    TEST_RR_OP(1, mul, 21, 3, 7)
    TEST_RR_OP(2, mul, 1, -1, -1)
    TEST_RR_OP(3, mul, 0xfffffffffffffffe, MAX64, 2)
    TEST_RR_OP(4, mul, MIN64, MIN64, -1)
    TEST_RR_OP(5, mul, 0, 0x100000000, 0x100000000)
    TEST_RR_OP(6, mul, 0xfffffffffffffffa, -2, 3)
    TEST_RR_SRC1_EQ_DEST(7, mul, 143, 13, 11)
    TEST_RR_SRC12_EQ_DEST(8, mul, 169, 13)
    TEST_RR_ZERODEST(9, mul, 3, 4)

    /* ---- mulh (signed x signed, high 64 bits) */
    TEST_RR_OP(10, mulh, 0, -1, -1)
    TEST_RR_OP(11, mulh, 0x4000000000000000, MIN64, MIN64)
    TEST_RR_OP(12, mulh, 0xffffffffffffffff, MIN64, 1)
    TEST_RR_OP(13, mulh, 0x3fffffffffffffff, MAX64, MAX64)
    TEST_RR_OP(14, mulh, 0xffffffffffffffff, -2, 3)
    TEST_RR_OP(15, mulh, 0, 3, 7)
    TEST_RR_OP(16, mulh, 0xc000000000000000, MIN64, MAX64)

    /* ---- mulhu (unsigned x unsigned) */
    TEST_RR_OP(17, mulhu, 0xfffffffffffffffe, -1, -1)
    TEST_RR_OP(18, mulhu, 1, MIN64, 2)
    TEST_RR_OP(19, mulhu, 1, 0x100000000, 0x100000000)
    TEST_RR_OP(20, mulhu, 0, 3, 7)
    TEST_RR_OP(21, mulhu, 2, -1, 3)

    /* ---- mulhsu (rs1 signed, rs2 unsigned) */
    TEST_RR_OP(22, mulhsu, 0xffffffffffffffff, -1, -1)
    TEST_RR_OP(23, mulhsu, MIN64, MIN64, -1)
    TEST_RR_OP(24, mulhsu, 1, 2, -1)
    TEST_RR_OP(25, mulhsu, 0xffffffffffffffff, -2, 1)
    TEST_RR_OP(26, mulhsu, 0, 3, 7)
    TEST_RR_OP(27, mulhsu, 0x7ffffffffffffffe, MAX64, -1)

    /* ---- mulw (low 32 bits, sign-extended) */
    TEST_RR_OP(28, mulw, 0xfffffffffffffffe, 0x7fffffff, 2)
    TEST_RR_OP(29, mulw, 21, 0x100000003, 7)
    TEST_RR_OP(30, mulw, 0, 0x10000, 0x10000)
    TEST_RR_OP(31, mulw, 0xffffffff80000000, 0x8000, 0x10000)
    TEST_RR_OP(32, mulw, 1, 0xffffffff, 0xffffffff)
    TEST_RR_ZERODEST(33, mulw, 3, 4)

    /* ---- div (signed, truncating) */
    TEST_RR_OP(34, div, 3, 20, 6)
    TEST_RR_OP(35, div, 0xfffffffffffffffd, -20, 6)
    TEST_RR_OP(36, div, 0xfffffffffffffffd, 20, -6)
    TEST_RR_OP(37, div, 3, -20, -6)
    TEST_RR_OP(38, div, 0xffffffffffffffff, 20, 0)       /* by zero */
    TEST_RR_OP(39, div, 0xffffffffffffffff, -20, 0)
    TEST_RR_OP(40, div, 0xffffffffffffffff, 0, 0)
    TEST_RR_OP(41, div, MIN64, MIN64, -1)                 /* overflow */
    TEST_RR_OP(42, div, MIN64, MIN64, 1)

    /* ---- divu */
    TEST_RR_OP(43, divu, 3, 20, 6)
    TEST_RR_OP(44, divu, 0x2aaaaaaaaaaaaaa7, -20, 6)
    TEST_RR_OP(45, divu, 0, 20, -6)
    TEST_RR_OP(46, divu, 0xffffffffffffffff, 20, 0)
    TEST_RR_OP(47, divu, 0xffffffffffffffff, 0, 0)
    TEST_RR_OP(48, divu, 0, MIN64, -1)
    TEST_RR_OP(49, divu, 1, -1, -1)

    /* ---- rem (sign of the dividend) */
    TEST_RR_OP(50, rem, 2, 20, 6)
    TEST_RR_OP(51, rem, 0xfffffffffffffffe, -20, 6)
    TEST_RR_OP(52, rem, 2, 20, -6)
    TEST_RR_OP(53, rem, 0xfffffffffffffffe, -20, -6)
    TEST_RR_OP(54, rem, 20, 20, 0)                        /* by zero */
    TEST_RR_OP(55, rem, 0xffffffffffffffec, -20, 0)
    TEST_RR_OP(56, rem, 0, MIN64, -1)                     /* overflow */
    TEST_RR_OP(57, rem, 0, 0, 0)

    /* ---- remu */
    TEST_RR_OP(58, remu, 2, 20, 6)
    TEST_RR_OP(59, remu, 2, -20, 6)
    TEST_RR_OP(60, remu, 20, 20, -6)
    TEST_RR_OP(61, remu, 20, 20, 0)
    TEST_RR_OP(62, remu, 0xffffffffffffffec, -20, 0)
    TEST_RR_OP(63, remu, MIN64, MIN64, -1)

    /* ---- divw (low 32 bits signed, result sign-extended) */
    TEST_RR_OP(64, divw, 3, 0xffffffff00000014, 6)
    TEST_RR_OP(65, divw, 0xfffffffffffffffd, -20, 6)
    TEST_RR_OP(66, divw, 0xfffffffffffffffd, 0x14, 0x12345678fffffffa)
    TEST_RR_OP(67, divw, 0xffffffffffffffff, 20, 0)
    TEST_RR_OP(68, divw, 0xffffffffffffffff, 20, 0x100000000) /* low 32 = 0 */
    TEST_RR_OP(69, divw, 0xffffffff80000000, 0x80000000, -1)  /* overflow */
    TEST_RR_OP(70, divw, 0xffffffff80000000, 0xffffffff80000000, 1)

    /* ---- divuw */
    TEST_RR_OP(71, divuw, 0x2aaaaaa7, -20, 6)
    TEST_RR_OP(72, divuw, 0xffffffffffffffff, 20, 0)
    TEST_RR_OP(73, divuw, 0xffffffff80000000, 0x80000000, 1)   /* sext */
    TEST_RR_OP(74, divuw, 0, 0x80000000, -1)
    TEST_RR_OP(75, divuw, 3, 0xabcdef0000000014, 0x1200000006)

    /* ---- remw */
    TEST_RR_OP(76, remw, 2, 20, 6)
    TEST_RR_OP(77, remw, 0xfffffffffffffffe, -20, 6)
    TEST_RR_OP(78, remw, 0xffffffff87654321, 0x1234567887654321, 0)
    TEST_RR_OP(79, remw, 0x12345678, 0xfedcba9812345678, 0)
    TEST_RR_OP(80, remw, 0, 0x80000000, -1)                     /* overflow */
    TEST_RR_OP(81, remw, 2, 20, 0xffffffff00000006)

    /* ---- remuw */
    TEST_RR_OP(82, remuw, 2, -20, 6)
    TEST_RR_OP(83, remuw, 0xffffffff80000001, 0x80000001, 0)
    TEST_RR_OP(84, remuw, 0xffffffff80000000, 0x80000000, -1)
    TEST_RR_OP(85, remuw, 1, 0xabcdef0000000015, 0x1200000004)
    TEST_RR_ZERODEST(86, remuw, 3, 4)
    TEST_RR_ZERODEST(87, divw, 3, 0)

KILN_CODE_END
