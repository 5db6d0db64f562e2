/* RV64I: loads of every width (sign / zero extension, positive and negative
 * offsets), stores of every width (only the addressed bytes change),
 * misaligned loads and stores (performed like aligned ones), loads into x0,
 * rd == base, and fence as a no-op. */
#include "test.h"

KILN_CODE_BEGIN

    /* tdat bytes (little-endian):
     *   +0: ff ee dd cc bb aa 99 88   +8: 77 66 55 44 33 22 11 00 */
    TEST_LD(1, lb, 0xffffffffffffffff, 0, tdat)
    TEST_LD(2, lb, 0xffffffffffffff99, 6, tdat)
    TEST_LD(3, lb, 0x77, 8, tdat)
    TEST_LD(4, lb, 0, 15, tdat)
    TEST_LD(5, lbu, 0xff, 0, tdat)
    TEST_LD(6, lbu, 0x88, 7, tdat)
    TEST_LD(7, lh, 0xffffffffffffeeff, 0, tdat)
    TEST_LD(8, lh, 0xffffffffffff8899, 6, tdat)
    TEST_LD(9, lh, 0x6677, 8, tdat)
    TEST_LD(10, lhu, 0xeeff, 0, tdat)
    TEST_LD(11, lhu, 0x8899, 6, tdat)
    TEST_LD(12, lw, 0xffffffffccddeeff, 0, tdat)
    TEST_LD(13, lw, 0xffffffff8899aabb, 4, tdat)
    TEST_LD(14, lw, 0x44556677, 8, tdat)
    TEST_LD(15, lwu, 0xccddeeff, 0, tdat)
    TEST_LD(16, lwu, 0x8899aabb, 4, tdat)
    TEST_LD(17, ld, 0x8899aabbccddeeff, 0, tdat)
    TEST_LD(18, ld, 0x0011223344556677, 8, tdat)
    /* negative offsets */
    TEST_LD(19, lb, 0xffffffffffffff88, -1, tdat + 8)
    TEST_LD(20, lhu, 0x8899, -2, tdat + 8)
    TEST_LD(21, lw, 0xffffffff8899aabb, -4, tdat + 8)
    TEST_LD(22, ld, 0x8899aabbccddeeff, -8, tdat + 8)
    TEST_LD(23, lwu, 0x44556677, -2040, tdat + 2048)
    /* rd == base register */
    TEST_CASE(24, a1, 0x8899aabbccddeeff, la a1, tdat; ld a1, 0(a1))
    TEST_CASE(25, a1, 0xffffffffffff8899, la a1, tdat; lh a1, 6(a1))
    /* load into x0 is performed but x0 stays 0 */
    TEST_CASE(26, x0, 0, la a1, tdat; ld x0, 0(a1); lw x0, 4(a1); lbu x0, 1(a1))

    /* ---- misaligned loads behave like aligned ones */
    TEST_LD(27, lh, 0xffffffffffffddee, 1, tdat)
    TEST_LD(28, lhu, 0x7788, 7, tdat)
    TEST_LD(29, lw, 0xffffffffbbccddee, 1, tdat)
    TEST_LD(30, lwu, 0x99aabbcc, 3, tdat)
    TEST_LD(31, lw, 0x55667788, 7, tdat)
    TEST_LD(32, ld, 0x5566778899aabbcc, 3, tdat)
    TEST_LD(33, ld, 0x1122334455667788, 7, tdat)

    /* ---- stores: fill with ones, store, read the whole dword back */
#define ST_CASE(n, result, st, val, off) \
    TEST_CASE(n, a4, result, la a1, sdat; li a3, -1; sd a3, 0(a1); \
              sd a3, 8(a1); li a2, val; st a2, off(a1); ld a4, 0(a1))
    ST_CASE(34, 0xffffffffffffff00, sb, 0, 0)
    ST_CASE(35, 0xffffffffffff12ff, sb, 0x12, 1)
    ST_CASE(36, 0xefffffffffffffff, sb, 0x1234567890abcdef, 7)
    ST_CASE(37, 0xffffffffffff0000, sh, 0, 0)
    ST_CASE(38, 0xffffffff1234ffff, sh, 0x1234, 2)
    ST_CASE(39, 0xcdefffffffffffff, sh, 0x1234567890abcdef, 6)
    ST_CASE(40, 0xffffffff00000000, sw, 0, 0)
    ST_CASE(41, 0x12345678ffffffff, sw, 0x12345678, 4)
    ST_CASE(42, 0xffffffff90abcdef, sw, 0x1234567890abcdef, 0)
    ST_CASE(43, 0x1234567890abcdef, sd, 0x1234567890abcdef, 0)
    ST_CASE(44, 0, sd, 0, 0)
    /* store then load back with each load width */
    TEST_ST(45, sb, lb, 0xffffffffffffffaa, 0xaa, 3, sdat)
    TEST_ST(46, sb, lbu, 0xaa, 0xaa, 3, sdat)
    TEST_ST(47, sh, lh, 0xffffffffffffaa55, 0xaa55, 2, sdat)
    TEST_ST(48, sh, lhu, 0xaa55, 0xaa55, 2, sdat)
    TEST_ST(49, sw, lw, 0xffffffffaa55aa55, 0xaa55aa55, 4, sdat)
    TEST_ST(50, sw, lwu, 0xaa55aa55, 0xaa55aa55, 4, sdat)
    TEST_ST(51, sd, ld, 0xaa55aa55aa55aa55, 0xaa55aa55aa55aa55, 8, sdat)
    /* negative store offset */
    TEST_ST(52, sd, ld, 0x0102030405060708, 0x0102030405060708, -8, sdat + 16)
    TEST_ST(53, sw, lw, 0x01020304, 0x01020304, -4, sdat + 16)
    /* a store of x0 writes zero */
    TEST_CASE(54, a4, 0, la a1, sdat; li a2, -1; sd a2, 0(a1); sd x0, 0(a1); \
              ld a4, 0(a1))
    /* store data register == base register */
    TEST_CASE(55, a4, 0, la a1, sdat; sd a1, 0(a1); ld a4, 0(a1); sub a4, a4, a1)

    /* ---- misaligned stores behave like aligned ones */
#define ZERO16 la a1, sdat; sd x0, 0(a1); sd x0, 8(a1)
    TEST_CASE(56, a4, 0x0000001122334400, ZERO16; li a2, 0x11223344; \
              sw a2, 1(a1); ld a4, 0(a1))
    TEST_CASE(57, a4, 0x0000000000001122, ZERO16; li a2, 0x11223344; \
              sw a2, 6(a1); ld a4, 8(a1))
    TEST_CASE(58, a4, 0x0607080000000000, ZERO16; li a2, 0x0102030405060708; \
              sd a2, 5(a1); ld a4, 0(a1))
    TEST_CASE(59, a4, 0x0000000102030405, ZERO16; li a2, 0x0102030405060708; \
              sd a2, 5(a1); ld a4, 8(a1))
    TEST_CASE(60, a4, 0x3400000000000000, ZERO16; li a2, 0x1234; \
              sh a2, 7(a1); ld a4, 0(a1))
    TEST_CASE(61, a4, 0x12, ZERO16; li a2, 0x1234; sh a2, 7(a1); ld a4, 8(a1))
    TEST_CASE(62, a4, 0x0102030405060708, ZERO16; li a2, 0x0102030405060708; \
              sd a2, 3(a1); ld a4, 3(a1))

    /* ---- fence is a no-op for a single hart: data flows through it */
    TEST_CASE(63, a4, 0x5a5a, la a1, sdat; li a2, 0x5a5a; sd a2, 0(a1); \
              fence; ld a4, 0(a1))
    TEST_CASE(64, a4, 0x6b6b, la a1, sdat; li a2, 0x6b6b; sd a2, 0(a1); \
              fence rw, rw; fence r, r; fence w, w; fence iorw, iorw; \
              fence.tso; ld a4, 0(a1))
    TEST_CASE(65, a4, 0x77, li a4, 0x77; fence; fence i, o)

KILN_CODE_END

    .data
    .align 4
tdat:
    .dword 0x8899aabbccddeeff
    .dword 0x0011223344556677
    .skip 2048 - 16
    .dword 0x0011223344556677
    .align 4
sdat:
    .zero 32
