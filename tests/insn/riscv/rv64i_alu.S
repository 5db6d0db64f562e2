/* RV64I: register-register / immediate arithmetic, logic, compares, shifts
 * (64-bit and W forms), lui/auipc and writes to x0. */
#include "test.h"

KILN_CODE_BEGIN

    /* ---- add / addi */
    TEST_RR_OP(1, add, 0, 0, 0)
    TEST_RR_OP(2, add, 10, 3, 7)
    TEST_RR_OP(3, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RR_OP(4, add, 0, -1, 1)
    TEST_RR_OP(5, add, 0x100000000, 0xffffffff, 1)
    TEST_RR_SRC1_EQ_DEST(6, add, 24, 13, 11)
    TEST_RR_SRC2_EQ_DEST(7, add, 25, 14, 11)
    TEST_RR_SRC12_EQ_DEST(8, add, 26, 13)
    TEST_RR_ZERODEST(9, add, 1, 2)
    TEST_RR_ZEROSRC1(10, add, 0x55, 0x55)
    TEST_IMM_OP(11, addi, 0x7ff, 0, 0x7ff)
    TEST_IMM_OP(12, addi, 0xfffffffffffff800, 0, -0x800)
    TEST_IMM_OP(13, addi, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_IMM_OP(14, addi, 0xffffffffffffffff, 0, -1)
    TEST_IMM_OP(15, addi, 0x100000000, 0xffffffff, 1)
    TEST_IMM_SRC1_EQ_DEST(16, addi, 24, 13, 11)
    TEST_IMM_ZERODEST(17, addi, 5, 3)
    TEST_IMM_ZEROSRC1(18, addi, 0x123, 0x123)

    /* ---- sub */
    TEST_RR_OP(19, sub, 0, 0, 0)
    TEST_RR_OP(20, sub, 0xfffffffffffffffc, 3, 7)
    TEST_RR_OP(21, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
    TEST_RR_OP(22, sub, 0xffffffffffffffff, 0, 1)
    TEST_RR_SRC1_EQ_DEST(23, sub, 2, 13, 11)
    TEST_RR_SRC12_EQ_DEST(24, sub, 0, 13)
    TEST_RR_ZEROSRC1(25, sub, 0xfffffffffffffffb, 5)

    /* ---- slt / sltu / slti / sltiu */
    TEST_RR_OP(26, slt, 1, -1, 1)
    TEST_RR_OP(27, slt, 0, 1, -1)
    TEST_RR_OP(28, slt, 0, 5, 5)
    TEST_RR_OP(29, slt, 1, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR_OP(30, sltu, 0, -1, 1)
    TEST_RR_OP(31, sltu, 1, 1, -1)
    TEST_RR_OP(32, sltu, 0, 5, 5)
    TEST_RR_OP(33, sltu, 0, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_IMM_OP(34, slti, 1, -1, 0)
    TEST_IMM_OP(35, slti, 0, 0, -1)
    TEST_IMM_OP(36, slti, 1, 0x8000000000000000, -0x800)
    TEST_IMM_OP(37, slti, 0, 0x7ff, 0x7ff)
    TEST_IMM_OP(38, sltiu, 1, 0, 1)          /* seqz */
    TEST_IMM_OP(39, sltiu, 0, 5, 1)
    TEST_IMM_OP(40, sltiu, 1, 0xfffffffffffffffe, -1) /* imm sign-extends */
    TEST_IMM_OP(41, sltiu, 0, 0xffffffffffffffff, -1)
    TEST_RR_ZEROSRC1(42, sltu, 1, 7)         /* snez */

    /* ---- and / or / xor and immediates (sign-extended imm) */
    TEST_RR_OP(43, and, 0x0f000f000f000f00, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f)
    TEST_RR_OP(44, or,  0xff0fff0fff0fff0f, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f)
    TEST_RR_OP(45, xor, 0xf00ff00ff00ff00f, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f)
    TEST_RR_SRC12_EQ_DEST(46, xor, 0, 0x1234)
    TEST_RR_SRC12_EQ_DEST(47, and, 0x1234, 0x1234)
    TEST_IMM_OP(48, andi, 0x00ff00ff00ff000f, 0x00ff00ff00ff00ff, -241)
    TEST_IMM_OP(49, andi, 0x770, 0xff00ff00ff00ff70, 0x7ff)
    TEST_IMM_OP(50, ori, 0xff00ff00ff00fff0, 0xff00ff00ff00ff00, 0x0f0)
    TEST_IMM_OP(51, ori, 0xfffffffffffff800, 0, -0x800)
    TEST_IMM_OP(52, xori, 0xff00ff00ff00ff00, 0x00ff00ff00ff00ff, -1)
    TEST_IMM_OP(53, xori, 0xff00ff00ff00fff0, 0xff00ff00ff00ff00, 0x0f0)
    TEST_IMM_ZERODEST(54, ori, 5, 1)

    /* ---- 64-bit shifts: register shamt uses the low 6 bits */
    TEST_RR_OP(55, sll, 1, 1, 0)
    TEST_RR_OP(56, sll, 0x8000000000000000, 1, 63)
    TEST_RR_OP(57, sll, 1, 1, 64)
    TEST_RR_OP(58, sll, 0x123456789abcdef0, 0x0123456789abcdef, 0xffffffffffffffc4)
    TEST_RR_OP(59, sll, 0x100000000, 1, 32)
    TEST_RR_OP(60, srl, 1, 0x8000000000000000, 63)
    TEST_RR_OP(61, srl, 0x4000000000000000, 0x8000000000000000, 1)
    TEST_RR_OP(62, srl, 0xffffffff, -1, 32)
    TEST_RR_OP(63, srl, 0x8000000000000000, 0x8000000000000000, 64)
    TEST_RR_OP(64, sra, 0xffffffffffffffff, 0x8000000000000000, 63)
    TEST_RR_OP(65, sra, 0xc000000000000000, 0x8000000000000000, 1)
    TEST_RR_OP(66, sra, 1, 0x7fffffffffffffff, 62)
    TEST_RR_OP(67, sra, 0xc000000000000000, 0x8000000000000000, 0x41)
    TEST_RR_OP(68, sra, 0xffffffff80000000, 0x8000000000000000, 32)
    TEST_IMM_OP(69, slli, 0x8000000000000000, 1, 63)
    TEST_IMM_OP(70, slli, 0x9abcdef000000000, 0x0123456789abcdef, 36)
    TEST_IMM_OP(71, slli, 0x100000000, 1, 32)
    TEST_IMM_OP(72, srli, 0x123456789a, 0x0123456789abcdef, 20)
    TEST_IMM_OP(73, srli, 0x80000000, 0x8000000000000000, 32)
    TEST_IMM_OP(74, srli, 1, 0x8000000000000000, 63)
    TEST_IMM_OP(75, srai, 0xffffffff80000000, 0x8000000000000000, 32)
    TEST_IMM_OP(76, srai, 0xffffffffffffffff, 0x8000000000000000, 63)
    TEST_IMM_OP(77, srai, 0x0123456789abcdef, 0x0123456789abcdef, 0)
    TEST_IMM_OP(78, srai, 0x3fffffffffffffff, 0x7fffffffffffffff, 1)
    TEST_IMM_SRC1_EQ_DEST(79, slli, 0x80, 1, 7)

    /* ---- W arithmetic: operate on low 32 bits, sign-extend the result */
    TEST_RR_OP(80, addw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RR_OP(81, addw, 0, 0xffffffff, 1)
    TEST_RR_OP(82, addw, 0x23456789, 0x123456789, 0)
    TEST_RR_OP(83, addw, 0xfffffffffffffffe, -1, -1)
    TEST_RR_OP(84, subw, 0xffffffffffffffff, 0, 1)
    TEST_RR_OP(85, subw, 0x7fffffff, 0x80000000, 1)
    TEST_RR_OP(86, subw, 0, 0x100000000, 0)
    TEST_RR_OP(87, subw, 0x7fffffff, 0xffffffff80000000, 1)
    TEST_IMM_OP(88, addiw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_IMM_OP(89, addiw, 0xffffffff80000000, 0x80000000, 0)      /* sext.w */
    TEST_IMM_OP(90, addiw, 0x7fffffff, 0xffffffff7fffffff, 0)
    TEST_IMM_OP(91, addiw, 0xfffffffffffff800, 0x1234500000000, -0x800)
    TEST_IMM_ZERODEST(92, addiw, 5, 1)
    TEST_RR_ZERODEST(93, addw, 5, 1)

    /* ---- W shifts: register shamt uses the low 5 bits */
    TEST_RR_OP(94, sllw, 0xffffffff80000000, 1, 31)
    TEST_RR_OP(95, sllw, 1, 1, 32)
    TEST_RR_OP(96, sllw, 2, 1, 33)
    TEST_RR_OP(97, sllw, 1, 0xffffffff00000001, 0)
    TEST_RR_OP(98, sllw, 0xfffffffffffffff0, 0x0fffffff, 4)
    TEST_RR_OP(99, srlw, 1, 0x80000000, 31)
    TEST_RR_OP(100, srlw, 0xffffffff80000000, 0xffffffff80000000, 0)
    TEST_RR_OP(101, srlw, 0x40000000, 0x80000000, 1)
    TEST_RR_OP(102, srlw, 0xffffffff80000000, 0x80000000, 32)
    TEST_RR_OP(103, srlw, 0x0fffffff, 0xffffffffffffffff, 4)
    TEST_RR_OP(104, srlw, 0x09abcdef, 0x123456789abcdef0, 36)
    TEST_RR_OP(105, sraw, 0xffffffffffffffff, 0x80000000, 31)
    TEST_RR_OP(106, sraw, 0, 0x7fffffff, 31)
    TEST_RR_OP(107, sraw, 0xffffffffc0000000, 0x80000000, 33)
    TEST_RR_OP(108, sraw, 0, 0x100000000, 0)
    TEST_RR_OP(109, sraw, 0x7fffffff, 0xfffffffe7fffffff, 0)
    TEST_IMM_OP(110, slliw, 0xffffffff80000000, 1, 31)
    TEST_IMM_OP(111, slliw, 0xfffffffffffffff0, 0x0fffffff, 4)
    TEST_IMM_OP(112, slliw, 0x12345678, 0xabcdef0012345678, 0)
    TEST_IMM_OP(113, srliw, 0xffffffff80000000, 0x80000000, 0)
    TEST_IMM_OP(114, srliw, 1, 0x80000000, 31)
    TEST_IMM_OP(115, srliw, 0x7fffffff, 0xffffffffffffffff, 1)
    TEST_IMM_OP(116, sraiw, 0xffffffffffffffff, 0x80000000, 31)
    TEST_IMM_OP(117, sraiw, 0xfffffffff8000000, 0x80000000, 4)
    TEST_IMM_OP(118, sraiw, 0x7fffffff, 0x7fffffff, 0)
    TEST_IMM_OP(119, sraiw, 0xffffffffffffffff, 0x12345678f0000000, 28)
    TEST_IMM_OP(120, sraiw, 0x01234567, 0xffffffff12345670, 4)

    /* ---- lui (sign-extends bit 31 on RV64) */
    TEST_CASE(121, a4, 0xffffffff80000000, lui a4, 0x80000)
    TEST_CASE(122, a4, 0x7ffff000, lui a4, 0x7ffff)
    TEST_CASE(123, a4, 0xfffffffffffff000, lui a4, 0xfffff)
    TEST_CASE(124, a4, 0, li a4, 5; lui a4, 0)
    TEST_CASE(125, a4, 0x12345678, lui a4, 0x12345; addi a4, a4, 0x678)
    TEST_CASE(126, x0, 0, lui x0, 0x12345)

    /* ---- auipc: pc-relative, upper immediate sign-extended */
    TEST_CASE(127, a4, 0, 1: auipc a1, 0; la a2, 1b; sub a4, a1, a2)
    TEST_CASE(128, a4, 0x1000, 1: auipc a1, 1; la a2, 1b; sub a4, a1, a2)
    TEST_CASE(129, a4, 0xffffffff80000000, 1: auipc a1, 0x80000; la a2, 1b; sub a4, a1, a2)
    TEST_CASE(130, a4, 0xfffffffffffff000, 1: auipc a1, 0xfffff; la a2, 1b; sub a4, a1, a2)
    TEST_CASE(131, x0, 0, auipc x0, 1)

    /* ---- more writes to x0 are discarded */
    TEST_CASE(132, x0, 0, li a1, 7; slli x0, a1, 3)
    TEST_CASE(133, x0, 0, li a1, 7; sltiu x0, a1, 9)
    TEST_CASE(134, x0, 0, li a1, 7; xor x0, a1, a1; addi x0, x0, 1)
    /* nop (addi x0, x0, 0) leaves everything alone */
    TEST_CASE(135, a4, 0x77, li a4, 0x77; nop; addi x0, x0, 0)

KILN_CODE_END
