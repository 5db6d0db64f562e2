/*
 * rt.c (x86_64 bare metal) - the entry point and the console of the x86
 * benchmark runtime (rt.h): _start, which boot.asm calls in long mode at
 * the image's load address, zeroes .bss, runs main and exits through
 * isa-debug-exit; htif_putchar, riscv-rt printf's character sink, writes
 * to the debugcon.
 */
#include "rt.h"

#define DEBUGCON_PORT 0xe9
#define DEBUG_EXIT_PORT 0xf4

extern char __bss_start[];
extern char __bss_end[];

int main(void);

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

/* The name riscv-rt's printf.c calls (roms/riscv-rt/htif.h). */
void htif_putchar(int ch)
{
    outb(DEBUGCON_PORT, (uint8_t)ch);
}

__attribute__((section(".text.start"), noreturn)) void _start(void)
{
    memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
    outb(DEBUG_EXIT_PORT, (uint8_t)main());
    for (;;)
        __asm__ volatile("cli; hlt");
}

#if defined(__i386__)
/* What gcc calls for 64-bit division on i386 (printf's number conversion);
   libgcc is not linked, so this is ours: shift and subtract. */
unsigned long long __udivmoddi4(unsigned long long n, unsigned long long d, unsigned long long *rem)
{
    unsigned long long q = 0, r = 0;
    for (int bit = 63; bit >= 0; --bit) {
        r = (r << 1) | ((n >> bit) & 1);
        if (r >= d) {
            r -= d;
            q |= 1ull << bit;
        }
    }
    if (rem)
        *rem = r;
    return q;
}
#endif
