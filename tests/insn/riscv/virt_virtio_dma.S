/* Virtio DMA writes RAM only (issue 12: a used ring placed in the mask ROM
 * at 0x1000 overwrote the ROM). On -M virt -bios none with a virtio-rng
 * device in slot 0, a queue is set up three times: all in RAM (the device
 * fills the buffer and uses it), with the used ring in the ROM, and with the
 * writable buffer in the ROM. In the last two the device sets
 * DEVICE_NEEDS_RESET (with a config-change interrupt), consumes nothing and
 * the ROM keeps its contents. Built with -DKILN_BOARD_VIRT. */
#include "test.h"

#define VIRTIO0 0x10001000
#define MROM    0x1000
#define R_STATUS 0x70
#define R_INTERRUPT_STATUS 0x60
#define S_NEEDS_RESET 0x40
#define PATTERN 0x5a5a5a5a5a5a5a5a

/* s2 = the sum of the first 128 bytes of the ROM (the fw_dynamic info block and more). */
#define ROM_SUM \
    li t0, MROM; li t1, MROM + 128; li s2, 0; \
1:  ld t2, 0(t0); add s2, s2, t2; addi t0, t0, 8; bltu t0, t1, 1b

/* Queue 0 of slot 0: 8 entries, descriptors and available ring in RAM, the
 * used ring at s4; one device-writable 16-byte buffer at s5 (dma_buf is
 * filled with PATTERN first), published and notified. */
#define RUN_QUEUE \
    la t1, dma_buf; li t0, PATTERN; sd t0, 0(t1); sd t0, 8(t1); \
    la t1, ring_desc; sd s5, 0(t1); li t0, 16 | (2 << 32); sd t0, 8(t1); \
    la t1, ring_avail; sd zero, 0(t1); \
    la t1, ring_used; sd zero, 0(t1); \
    li s0, VIRTIO0; \
    sw zero, R_STATUS(s0); \
    li t0, 1; sw t0, R_STATUS(s0); \
    li t0, 3; sw t0, R_STATUS(s0); \
    li t0, 1; sw t0, 0x24(s0); sw t0, 0x20(s0);  /* VIRTIO_F_VERSION_1 (bit 32) */ \
    li t0, 11; sw t0, R_STATUS(s0); \
    sw zero, 0x30(s0); \
    li t0, 8; sw t0, 0x38(s0); \
    la t0, ring_desc; sw t0, 0x80(s0); sw zero, 0x84(s0); \
    la t0, ring_avail; sw t0, 0x90(s0); sw zero, 0x94(s0); \
    sw s4, 0xa0(s0); sw zero, 0xa4(s0); \
    li t0, 1; sw t0, 0x44(s0); \
    li t0, 15; sw t0, R_STATUS(s0); \
    la t1, ring_avail; li t0, 1; sh t0, 2(t1);  /* publish descriptor 0 */ \
    fence; \
    sw zero, 0x50(s0)

KILN_CODE_BEGIN
    ROM_SUM
    mv s3, s2
    TEST_CASE(1, a4, 0x74726976, li a1, VIRTIO0; lw a4, 0(a1))
    TEST_CASE(2, a4, 4, li a1, VIRTIO0; lw a4, 8(a1))

    /* All in RAM: the buffer is used (this checks the set-up itself). */
    la s4, ring_used; la s5, dma_buf; RUN_QUEUE
    TEST_CASE(3, a4, 0, lw a4, R_STATUS(s0); andi a4, a4, S_NEEDS_RESET)
    TEST_CASE(4, a4, 1, la a1, ring_used; lhu a4, 2(a1))    /* used index */
    TEST_CASE(5, a4, 16, la a1, ring_used; lw a4, 8(a1))    /* bytes written */
    TEST_CASE(6, a4, 1, la a1, dma_buf; ld a2, 0(a1); li a3, PATTERN; xor a4, a2, a3; \
              sltu a4, zero, a4)                            /* random bytes now */

    /* The used ring in the ROM. */
    li s4, MROM; la s5, dma_buf; RUN_QUEUE
    TEST_CASE(10, a4, S_NEEDS_RESET, lw a4, R_STATUS(s0); andi a4, a4, S_NEEDS_RESET)
    TEST_CASE(11, a4, 2, lw a4, R_INTERRUPT_STATUS(s0); andi a4, a4, 2)  /* config change */
    TEST_CASE(12, a4, PATTERN, la a1, dma_buf; ld a4, 0(a1))  /* nothing consumed */
    ROM_SUM
    TEST_CASE(13, a4, 0, sub a4, s2, s3)

    /* A device-writable buffer in the ROM. */
    la s4, ring_used; li s5, MROM + 64; RUN_QUEUE
    TEST_CASE(20, a4, S_NEEDS_RESET, lw a4, R_STATUS(s0); andi a4, a4, S_NEEDS_RESET)
    TEST_CASE(21, a4, 0, la a1, ring_used; lhu a4, 2(a1))
    ROM_SUM
    TEST_CASE(22, a4, 0, sub a4, s2, s3)

    /* A reset recovers the device. */
    la s4, ring_used; la s5, dma_buf; RUN_QUEUE
    TEST_CASE(30, a4, 0, lw a4, R_STATUS(s0); andi a4, a4, S_NEEDS_RESET)
    TEST_CASE(31, a4, 1, la a1, ring_used; lhu a4, 2(a1))
KILN_CODE_END

    .data
    .align 12
ring_desc:  .zero 128
ring_avail: .zero 32
    .align 6
ring_used:  .zero 128
dma_buf:    .zero 16
