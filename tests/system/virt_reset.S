/* Bare metal on -M virt (-bios none): prints "R" on the NS16550A at
 * 0x10000000, then asks sifive_test (0x100000) for a reset (0x7777). With
 * -no-reboot Kiln exits 0; without it the machine starts over and prints again. */
    .section .text.init, "ax"
    .globl _start
_start:
    li t0, 0x10000000
    li t1, 'R'
    sb t1, 0(t0)
    li t0, 0x100000
    li t1, 0x7777
    sw t1, 0(t0)
1:  j 1b
