/* Entry of disk_guest (bare metal on -M virt -bios none): hart 0 takes a stack
 * and runs disk_main(); other harts park. disk_guest.c does the rest. */
    .section .text.init, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, 2f
    la sp, disk_stack_top
    call disk_main
2:  wfi
    j 2b

    .bss
    .balign 16
    .space 16384
    .globl disk_stack_top
disk_stack_top:
