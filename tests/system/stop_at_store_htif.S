/* Bare metal on -M spike: prints "A" through HTIF's console, asks to exit
 * with code 0 (tohost = 1), then, in the same block, prints "X" and asks to
 * exit with code 5. The CPU stops at the exit store: Kiln prints only "A"
 * and exits 0. (No fromhost handshake: the commands are handled at once.) */
    .section .text.init, "ax"
    .globl _start
_start:
    la t0, tohost
    li t1, (1 << 56) | (1 << 48) | 'A'
    sd t1, 0(t0)
    li t1, 1
    sd t1, 0(t0)
    li t1, (1 << 56) | (1 << 48) | 'X'
    sd t1, 0(t0)
    li t1, (5 << 1) | 1
    sd t1, 0(t0)
1:  j 1b

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .globl fromhost
fromhost: .dword 0
