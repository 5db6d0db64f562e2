/* RV64I: conditional branches (taken / not taken, signed and unsigned edge
 * cases, forward and backward), jal and jalr (link value, bit 0 cleared,
 * rd == rs1, negative offsets, x0 as link register). */
#include "test.h"

KILN_CODE_BEGIN

    /* ---- beq / bne */
    TEST_BR2_TAKEN(1, beq, 0, 0)
    TEST_BR2_TAKEN(2, beq, -1, -1)
    TEST_BR2_TAKEN(3, beq, 0x8000000000000000, 0x8000000000000000)
    TEST_BR2_NOT_TAKEN(4, beq, 0, 1)
    TEST_BR2_NOT_TAKEN(5, beq, 0x100000000, 0)      /* differ only high */
    TEST_BR2_TAKEN(6, bne, 0, 1)
    TEST_BR2_TAKEN(7, bne, 0x100000000, 0)
    TEST_BR2_NOT_TAKEN(8, bne, 3, 3)
    TEST_BR2_NOT_TAKEN(9, bne, -1, -1)

    /* ---- blt / bge (signed) */
    TEST_BR2_TAKEN(10, blt, -1, 1)
    TEST_BR2_TAKEN(11, blt, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_BR2_TAKEN(12, blt, -2, -1)
    TEST_BR2_NOT_TAKEN(13, blt, 1, -1)
    TEST_BR2_NOT_TAKEN(14, blt, 0, 0)
    TEST_BR2_NOT_TAKEN(15, blt, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_BR2_TAKEN(16, bge, 1, -1)
    TEST_BR2_TAKEN(17, bge, 0, 0)
    TEST_BR2_TAKEN(18, bge, -1, -1)
    TEST_BR2_TAKEN(19, bge, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_BR2_NOT_TAKEN(20, bge, -1, 1)
    TEST_BR2_NOT_TAKEN(21, bge, 0x8000000000000000, 0)

    /* ---- bltu / bgeu (unsigned) */
    TEST_BR2_TAKEN(22, bltu, 1, -1)
    TEST_BR2_TAKEN(23, bltu, 0, 1)
    TEST_BR2_TAKEN(24, bltu, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_BR2_NOT_TAKEN(25, bltu, -1, 1)
    TEST_BR2_NOT_TAKEN(26, bltu, 5, 5)
    TEST_BR2_NOT_TAKEN(27, bltu, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_BR2_TAKEN(28, bgeu, -1, 1)
    TEST_BR2_TAKEN(29, bgeu, 5, 5)
    TEST_BR2_TAKEN(30, bgeu, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_BR2_NOT_TAKEN(31, bgeu, 1, -1)
    TEST_BR2_NOT_TAKEN(32, bgeu, 0, 0x8000000000000000)

    /* ---- backward branch: a counted loop runs exactly 10 times */
    TEST_CASE(33, a4, 55, li a1, 10; li a4, 0; \
              1: add a4, a4, a1; addi a1, a1, -1; bnez a1, 1b)
    /* backward bltu loop */
    TEST_CASE(34, a4, 8, li a1, 0; li a2, 8; li a4, 0; \
              1: addi a4, a4, 1; addi a1, a1, 1; bltu a1, a2, 1b)
    /* branch comparing a register with itself and with x0 */
    TEST_CASE(35, a4, 1, li a4, 0; li a1, 9; beq a1, a1, 1f; j kiln_fail; \
              1: bge a1, x0, 2f; j kiln_fail; 2: blt x0, a1, 3f; j kiln_fail; \
              3: li a4, 1)
    /* long forward branch (beyond 2 KiB) */
    TEST_CASE(36, a4, 1, li a4, 0; li a1, 1; bnez a1, 1f; j kiln_fail; \
              .skip 3000, 0; 1: li a4, 1)

    /* ---- jal: link register holds pc + 4 */
    TEST_CASE(37, a4, 0, la a2, 2f; jal a3, 1f; 2: j kiln_fail; \
              1: sub a4, a3, a2)
    TEST_CASE(38, a4, 0, la a2, 2f; jal ra, 1f; 2: j kiln_fail; \
              1: sub a4, ra, a2)
    /* jal x0 (plain jump) does not write x0 */
    TEST_CASE(39, x0, 0, jal x0, 1f; j kiln_fail; 1: nop)
    /* backward jal */
    TEST_CASE(40, a4, 3, li a4, 0; j 2f; 1: addi a4, a4, 2; j 3f; \
              2: addi a4, a4, 1; jal x0, 1b; 3: nop)

    /* ---- jalr */
    TEST_CASE(41, a4, 0, la a1, 1f; la a2, 2f; jalr a3, 0(a1); \
              2: j kiln_fail; 1: sub a4, a3, a2)
    /* positive offset */
    TEST_CASE(42, a4, 0, la a1, 1f; addi a1, a1, -12; la a2, 2f; \
              jalr a3, 12(a1); 2: j kiln_fail; 1: sub a4, a3, a2)
    /* negative offset */
    TEST_CASE(43, a4, 0, la a1, 1f; addi a1, a1, 16; la a2, 2f; \
              jalr a3, -16(a1); 2: j kiln_fail; 1: sub a4, a3, a2)
    /* the target's bit 0 is cleared: odd register value */
    TEST_CASE(44, a4, 0, la a1, 1f; addi a1, a1, 1; la a2, 2f; \
              jalr a3, 0(a1); 2: j kiln_fail; 1: sub a4, a3, a2)
    /* the target's bit 0 is cleared: odd offset */
    TEST_CASE(45, a4, 0, la a1, 1f; la a2, 2f; jalr a3, 1(a1); \
              2: j kiln_fail; 1: sub a4, a3, a2)
    /* rd == rs1: the target uses the old rs1, then rd gets pc + 4 */
    TEST_CASE(46, a4, 0, la a1, 1f; la a2, 2f; jalr a1, 0(a1); \
              2: j kiln_fail; 1: sub a4, a1, a2)
    /* jalr x0 (ret-like), does not write x0 */
    TEST_CASE(47, x0, 0, la a1, 1f; jalr x0, 0(a1); j kiln_fail; 1: nop)
    /* call / ret through ra */
    TEST_CASE(48, a4, 0x42, li a4, 0; call sub_set_a4; addi a4, a4, 2)

KILN_CODE_END

sub_set_a4:
    li a4, 0x40
    ret
