/* Regions entered at any of their blocks. A loop of four blocks is run from
 * its head, then entered in the middle of its body at each other block, as
 * code that jumps into a loop (or the block after a loop's first test) does.
 * Under the JIT (threshold 1, sync) the first run compiles the loop as one
 * region; later entries at the other blocks run that code through its entry
 * switch, and once the loop is optimised, only the entries used stay (the
 * others are interpreted again). A patched instruction inside the loop,
 * entered in the middle after fence.i, must run as patched. Meaningful under
 * either tier: the sums are the loop's, whichever code runs it. */
#include "test.h"

/* addi a0, a0, imm */
#define ADDI_A0_A0(imm) (((imm) << 20) | (10 << 15) | (10 << 7) | 0x13)

KILN_CODE_BEGIN

    /* From the head, t0 = 4, 3, 2, 1: (1+100) + (1+10) + (1+100) + (1+10) */
    TEST_CASE(1, a0, 224, li a0, 0; li t0, 4; call loop_head)
    TEST_CASE(2, a0, 224, li a0, 0; li t0, 4; call loop_head)
    /* At the even arm with t0 = 4: 100 + 11 + 101 + 11 */
    TEST_CASE(3, a0, 223, li a0, 0; li t0, 4; call loop_even)
    /* At the loop's latch with t0 = 3: t0 -> 2, then 101 + 11 */
    TEST_CASE(4, a0, 112, li a0, 0; li t0, 3; call loop_next)
    /* At the odd arm with t0 = 2: 10, then t0 = 1: 11 */
    TEST_CASE(5, a0, 21, li a0, 0; li t0, 2; call loop_odd)
    /* Many times over at one entry (the JIT optimises the loop meanwhile) */
    TEST_CASE(6, a3, 0, li a3, 20; 1: li a0, 0; li t0, 4; call loop_even; li t2, 223; \
              bne a0, t2, kiln_fail; addi a3, a3, -1; bnez a3, 1b)
    /* ...and the other entries still work after that */
    TEST_CASE(7, a0, 21, li a0, 0; li t0, 2; call loop_odd)
    TEST_CASE(8, a0, 112, li a0, 0; li t0, 3; call loop_next)
    TEST_CASE(9, a0, 224, li a0, 0; li t0, 4; call loop_head)
    /* A long run from the head (past any back-edge count), entered again in the middle */
    TEST_CASE(10, a0, 112000, li a0, 0; li t0, 2000; call loop_head)
    TEST_CASE(11, a0, 223, li a0, 0; li t0, 4; call loop_even)
    /* Patch the even arm to add 50: 50 + 11 + 51 + 11 */
    TEST_CASE(12, a0, 123, la a1, loop_even; li a2, ADDI_A0_A0(50); sw a2, 0(a1); fence.i; \
              li a0, 0; li t0, 4; call loop_even)
    TEST_CASE(13, a0, 124, li a0, 0; li t0, 4; call loop_head)

KILN_CODE_END

    .option push
    .option norvc
    .align 2
loop_head:
    addi a0, a0, 1
    andi t1, t0, 1
    beqz t1, loop_even
loop_odd:
    addi a0, a0, 10
    j loop_next
loop_even:
    addi a0, a0, 100
loop_next:
    addi t0, t0, -1
    bnez t0, loop_head
    ret
    .option pop
