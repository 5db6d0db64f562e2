/* Zifencei: self-modifying code. Run a routine (so an emulator may have
 * cached its translation), store a new instruction over it, fence.i, run
 * it again and check that the NEW instruction executed. Covers 32-bit and
 * 16-bit instructions and a patch that changes the instruction length. */
#include "test.h"

#define ADDI_A0(imm) (0x00000513 | ((imm) << 20))          /* addi a0, x0, imm */
#define CLI_A0(imm)  (0x4501 | ((imm) << 2))               /* c.li a0, imm */

KILN_CODE_BEGIN

    /* fence.i with nothing modified is harmless */
    TEST_CASE(1, a4, 9, li a4, 9; fence.i)

    /* ---- 32-bit instruction */
    TEST_CASE(2, a0, 1, call smc32)                 /* original code runs */
    TEST_CASE(3, a0, 1, call smc32)                 /* ...and again (cached) */
    TEST_CASE(4, a0, 2, la a1, smc32; li a2, ADDI_A0(2); sw a2, 0(a1); fence.i; \
              call smc32)
    TEST_CASE(5, a0, 2, call smc32)
    /* patch it again, several times in a loop: always the newest value */
    TEST_CASE(6, a0, 7, li a3, 3; 1: la a1, smc32; slli a2, a3, 20; li t0, 0x513; \
              or a2, a2, t0; sw a2, 0(a1); fence.i; call smc32; \
              bne a0, a3, kiln_fail; addi a3, a3, 1; li t0, 8; bne a3, t0, 1b)
    /* the new instruction is also visible as data */
    TEST_CASE(7, a4, ADDI_A0(7), la a1, smc32; lwu a4, 0(a1))

    /* ---- 16-bit instruction (half-word store) */
    TEST_CASE(8, a0, 3, call smc16)
    TEST_CASE(9, a0, 4, la a1, smc16; li a2, CLI_A0(4); sh a2, 0(a1); fence.i; \
              call smc16)
    TEST_CASE(10, a0, 4, call smc16)

    /* ---- change a 32-bit slot into two 16-bit instructions */
    TEST_CASE(11, a0, 5, call smcmix)
    TEST_CASE(12, a0, 11, la a1, smcmix; li a2, (CLI_A0(11) | (0x0001 << 16)) /* c.nop */; \
              sw a2, 0(a1); fence.i; call smcmix)

    /* ---- code written into a data buffer and executed from there */
    TEST_CASE(13, a0, 13, la a1, codebuf; li a2, ADDI_A0(13); sw a2, 0(a1); \
              li a2, 0x00008067 /* ret */; sw a2, 4(a1); fence.i; jalr ra, 0(a1))
    TEST_CASE(14, a0, 14, la a1, codebuf; li a2, ADDI_A0(14); sw a2, 0(a1); \
              fence.i; jalr ra, 0(a1))

KILN_CODE_END

    .align 2
smc32:
    addi a0, x0, 1
    ret
    .option push
    .option rvc
    .align 2
smc16:
    c.li a0, 3
    ret
    .option pop
    .align 2
smcmix:
    addi a0, x0, 5
    ret

    .data
    .align 4
codebuf:
    .word 0, 0
