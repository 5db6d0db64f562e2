/* RV64C: every compressed instruction, HINT encodings (execute as no-ops)
 * and reserved encodings (illegal instruction, cause 2; mtval is 0 or the
 * 16-bit instruction). Compressed registers x8..x15 are s0, s1, a0..a5. */
#include "test.h"

#define ILLEGAL16(n, enc) \
    KILN_TESTNUM(n); li a5, enc; EXPECT_TRAP_TVAL_OR_ZERO(CAUSE_ILLEGAL_INSN, a5); \
    .hword enc; CHECK_TRAPPED(n)

KILN_CODE_BEGIN
    .option rvc

    /* ---- c.li / c.addi / c.addiw / c.lui */
    TEST_CASE(1, a4, 0xffffffffffffffe0, c.li a4, -32)
    TEST_CASE(2, a4, 31, c.li a4, 31)
    TEST_CASE(3, a4, 0, c.li a4, 0)
    TEST_CASE(4, a4, 0x7f, li a4, 0x80; c.addi a4, -1)
    TEST_CASE(5, a4, 0x9f, li a4, 0x80; c.addi a4, 31)
    TEST_CASE(6, a4, 0x8000000000000000, li a4, 0x7fffffffffffffff; c.addi a4, 1)
    TEST_CASE(7, a4, 0xffffffff80000000, li a4, 0x7fffffff; c.addiw a4, 1)
    TEST_CASE(8, a4, 0x7fffffff, li a4, 0xffffffff80000000; c.addiw a4, -1)
    TEST_CASE(9, a4, 0xffffffff80000000, li a4, 0x0000000080000000; c.addiw a4, 0) /* sext.w */
    TEST_CASE(10, a4, 0x1000, c.lui a4, 1)
    TEST_CASE(11, a4, 0x1f000, c.lui a4, 0x1f)
    TEST_CASE(12, a4, 0xfffffffffffe0000, c.lui a4, 0xfffe0)
    TEST_CASE(13, a4, 0xfffffffffffff000, c.lui a4, 0xfffff)

    /* ---- c.addi16sp / c.addi4spn (sp-relative) */
    TEST_CASE(14, a4, 496, mv a5, sp; c.addi16sp sp, 496; sub a4, sp, a5; \
              c.addi16sp sp, -496)
    TEST_CASE(15, a4, -512, mv a5, sp; c.addi16sp sp, -512; sub a4, sp, a5; \
              mv sp, a5)
    TEST_CASE(16, a4, 4, c.addi4spn a4, sp, 4; sub a4, a4, sp)
    TEST_CASE(17, a4, 1020, c.addi4spn a4, sp, 1020; sub a4, a4, sp)

    /* ---- shifts and ALU on x8..x15 */
    TEST_CASE(18, a4, 0x8000000000000000, li a4, 1; c.slli a4, 63)
    TEST_CASE(19, t3, 0x100000000, li t3, 1; c.slli t3, 32)     /* any rd */
    TEST_CASE(20, a4, 1, li a4, 0x8000000000000000; c.srli a4, 63)
    TEST_CASE(21, a4, 0x80000000, li a4, 0x8000000000000000; c.srli a4, 32)
    TEST_CASE(22, a4, 0xffffffffffffffff, li a4, 0x8000000000000000; c.srai a4, 63)
    TEST_CASE(23, a4, 0xffffffff80000000, li a4, 0x8000000000000000; c.srai a4, 32)
    TEST_CASE(24, a4, 0x3fffffffffffffff, li a4, 0x7fffffffffffffff; c.srai a4, 1)
    TEST_CASE(25, a4, 0xffffffffffffffe0, li a4, -1; c.andi a4, -32)
    TEST_CASE(26, a4, 0x0f, li a4, 0x12345678ff; c.andi a4, 15)
    TEST_CASE(27, a4, 0xfffffffffffffffc, li a4, 3; li a5, 7; c.sub a4, a5)
    TEST_CASE(28, a4, 0xf0f0, li a4, 0xff00; li a5, 0x0ff0; c.xor a4, a5)
    TEST_CASE(29, a4, 0xfff0, li a4, 0xff00; li a5, 0x0ff0; c.or a4, a5)
    TEST_CASE(30, a4, 0x0f00, li a4, 0xff00; li a5, 0x0ff0; c.and a4, a5)
    TEST_CASE(31, a4, 0x7fffffff, li a4, 0x80000000; li a5, 1; c.subw a4, a5)
    TEST_CASE(32, a4, 0xffffffff80000000, li a4, 0x7fffffff; li a5, 1; c.addw a4, a5)
    TEST_CASE(33, a4, 0, li a4, 0xffffffff; li a5, 0x100000001; c.addw a4, a5)
    TEST_CASE(34, t3, 0x1234, li t4, 0x1234; c.mv t3, t4)         /* any regs */
    TEST_CASE(35, t3, 0x1239, li t3, 5; li t4, 0x1234; c.add t3, t4)

    /* ---- loads / stores, register-based (c.lw/c.ld/c.fld, c.sw/c.sd/c.fsd) */
    TEST_CASE(36, a4, 0xffffffff80000001, la a1, cdat; c.lw a4, 0(a1))
    TEST_CASE(37, a4, 0x7ffffffe, la a1, cdat; c.lw a4, 4(a1))
    TEST_CASE(38, a4, 0x123456789abcdef0, la a1, cdat; c.ld a4, 8(a1))
    TEST_CASE(39, a4, 0x3ff8000000000000, la a1, cdat; c.fld fa0, 16(a1); fmv.x.d a4, fa0)
    TEST_CASE(40, a4, 0x5555555555555555, la a1, cdat; c.ld a4, 120(a1))
    TEST_CASE(41, a4, 0xffffffff11223344, la a1, csdat; li a2, -1; sd a2, 0(a1); \
              li a5, 0x11223344; c.sw a5, 0(a1); ld a4, 0(a1))
    TEST_CASE(42, a4, 0xa5a5a5a5a5a5a5a5, la a1, csdat; li a5, 0xa5a5a5a5a5a5a5a5; \
              c.sd a5, 8(a1); ld a4, 8(a1))
    TEST_CASE(43, a4, 0x4000000000000000, la a1, csdat; li a5, 0x4000000000000000; \
              fmv.d.x fa1, a5; c.fsd fa1, 16(a1); ld a4, 16(a1))

    /* ---- sp-based loads / stores */
    addi sp, sp, -256
    TEST_CASE(44, a4, 0x0102030405060708, li a5, 0x0102030405060708; \
              c.sdsp a5, 8(sp); ld a4, 8(sp))
    TEST_CASE(45, t3, 0x0102030405060708, c.ldsp t3, 8(sp))
    TEST_CASE(46, a4, 0xffffffff0a0b0c0d, li a5, -1; sd a5, 16(sp); \
              li a5, 0x0a0b0c0d; c.swsp a5, 16(sp); ld a4, 16(sp))
    TEST_CASE(47, t3, 0xffffffff80000000, li a5, 0x80000000; sw a5, 252(sp); \
              c.lwsp t3, 252(sp))
    TEST_CASE(48, a4, 0xc000000000000000, li a5, 0xc000000000000000; \
              fmv.d.x ft5, a5; c.fsdsp ft5, 248(sp); ld a4, 248(sp))
    TEST_CASE(49, a4, 0xc000000000000000, c.fldsp ft6, 248(sp); fmv.x.d a4, ft6)
    addi sp, sp, 256

    /* ---- control transfer */
    TEST_CASE(50, a4, 1, li a4, 0; c.j 1f; j kiln_fail; 1: li a4, 1)
    TEST_CASE(51, a4, 3, li a4, 0; c.j 2f; 1: addi a4, a4, 2; c.j 3f; \
              2: addi a4, a4, 1; c.j 1b; 3: nop)
    TEST_CASE(52, a4, 1, li a4, 0; li a5, 0; c.beqz a5, 1f; j kiln_fail; 1: li a4, 1)
    TEST_CASE(53, a4, 1, li a4, 1; li a5, 1; c.beqz a5, 1f; c.j 2f; 1: li a4, 0; 2: nop)
    TEST_CASE(54, a4, 1, li a4, 0; li a5, 0x100000000; c.bnez a5, 1f; j kiln_fail; \
              1: li a4, 1)
    TEST_CASE(55, a4, 1, li a4, 1; li a5, 0; c.bnez a5, 1f; c.j 2f; 1: li a4, 0; 2: nop)
    TEST_CASE(56, a4, 5, li a4, 0; li a5, 5; 1: addi a4, a4, 1; addi a5, a5, -1; \
              c.bnez a5, 1b)
    TEST_CASE(57, a4, 1, li a4, 0; la t3, 1f; c.jr t3; j kiln_fail; 1: li a4, 1)
    /* c.jalr writes ra = pc + 2 */
    TEST_CASE(58, a4, 0, la t3, 1f; la a5, 2f; c.jalr t3; 2: j kiln_fail; \
              1: sub a4, ra, a5)
    /* c.jalr with rs1 == ra: the target is the old ra */
    TEST_CASE(59, a4, 0, la ra, 1f; la a5, 2f; c.jalr ra; 2: j kiln_fail; \
              1: sub a4, ra, a5)

    /* ---- c.nop, c.ebreak */
    TEST_CASE(60, a4, 7, li a4, 7; c.nop)
    KILN_TESTNUM(61); EXPECT_TRAP(CAUSE_BREAKPOINT)
62: c.ebreak
    CHECK_TRAPPED(61)
    TEST_CASE(62, a4, 0, TRAP_LAST(a4, KT_LAST_EPC); la a5, 62b; sub a4, a4, a5)

    /* ---- HINTs execute as no-ops */
    li a4, 0x1234
    .hword 0x0005 | (0 << 7)                 /* c.addi x0, 1 (c.nop hint) */
    .hword 0x0001 | (14 << 7)                /* c.addi a4, 0 */
    .hword 0x4001 | (0 << 7) | (5 << 2)      /* c.li x0, 5 */
    .hword 0x6001 | (0 << 7) | (1 << 2)      /* c.lui x0, 1 */
    .hword 0x8002 | (0 << 7) | (14 << 2)     /* c.mv x0, a4 */
    .hword 0x9002 | (0 << 7) | (14 << 2)     /* c.add x0, a4 */
    .hword 0x0002 | (0 << 7) | (1 << 2)      /* c.slli x0, 1 */
    .hword 0x0002 | (14 << 7)                /* c.slli a4, 0 */
    .hword 0x8001 | (6 << 7)                 /* c.srli a4, 0 */
    .hword 0x8401 | (6 << 7)                 /* c.srai a4, 0 */
    TEST_CASE(63, a4, 0x1234, nop)
    TEST_CASE(64, x0, 0, nop)

    /* ---- reserved encodings */
    ILLEGAL16(65, 0x0000)                    /* all-zero halfword */
    ILLEGAL16(66, 0x0000 | (6 << 2))         /* c.addi4spn a4, sp, 0 */
    ILLEGAL16(67, 0x6001 | (14 << 7))        /* c.lui a4, 0 */
    ILLEGAL16(68, 0x6001 | (2 << 7))         /* c.addi16sp sp, 0 */
    ILLEGAL16(69, 0x4002)                    /* c.lwsp x0, 0(sp) */
    ILLEGAL16(70, 0x4002 | (1 << 4))         /* c.lwsp x0, 4(sp) */
    ILLEGAL16(71, 0x6002)                    /* c.ldsp x0, 0(sp) */
    ILLEGAL16(72, 0x8002)                    /* c.jr x0 */
    ILLEGAL16(73, 0x2001)                    /* c.addiw x0, 0 */
    ILLEGAL16(74, 0x2001 | (1 << 2))         /* c.addiw x0, 1 */
    ILLEGAL16(75, 0x8000)                    /* quadrant 0, funct3 100 */
    ILLEGAL16(76, 0x9c41)                    /* c.subw/c.addw neighbour 10 */
    ILLEGAL16(77, 0x9c61)                    /* c.subw/c.addw neighbour 11 */
    /* sp was not touched by the trapping c.addi16sp */
    TEST_CASE(78, a4, 0, la a5, kiln_stack_top; sub a4, sp, a5)

KILN_CODE_END

    .data
    .align 4
cdat:
    .word 0x80000001, 0x7ffffffe
    .dword 0x123456789abcdef0
    .dword 0x3ff8000000000000
    .skip 120 - 24
    .dword 0x5555555555555555
csdat:
    .dword 0, 0, 0
