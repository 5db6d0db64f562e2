/* Bare metal on -M virt (-bios none): prints "A" on the NS16550A, powers off
 * through sifive_test (0x5555), then, in the same block, prints "X" and asks
 * to exit with code 5. The CPU stops at the power-off store: Kiln prints only
 * "A" and exits 0. */
    .section .text.init, "ax"
    .globl _start
_start:
    li t0, 0x10000000
    li t2, 0x100000
    li t1, 'A'
    sb t1, 0(t0)
    li t3, 0x5555
    sw t3, 0(t2)
    li t1, 'X'
    sb t1, 0(t0)
    li t3, (5 << 16) | 0x3333
    sw t3, 0(t2)
1:  j 1b
