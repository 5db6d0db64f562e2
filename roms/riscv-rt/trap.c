/*
 * trap.c - the runtime's only trap handler.  riscv-rt programs run with
 * interrupts off and expect no exceptions, so any trap is a bug either in
 * the program or in the emulator: report what happened and exit with 3.
 */
#include "rt.h"

static const char *cause_name(uint64_t mcause)
{
    static const char *const names[] = {
        "instruction address misaligned", "instruction access fault",
        "illegal instruction",            "breakpoint",
        "load address misaligned",        "load access fault",
        "store address misaligned",       "store access fault",
        "ecall from U-mode",              "ecall from S-mode",
        "reserved",                       "ecall from M-mode",
        "instruction page fault",         "load page fault",
        "reserved",                       "store page fault",
    };
    if (mcause >> 63) {
        return "interrupt";
    }
    if (mcause < sizeof(names) / sizeof(names[0])) {
        return names[mcause];
    }
    return "unknown";
}

void rt_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval, uint64_t sp)
{
    printf("\n*** riscv-rt: unexpected trap (%s)\n", cause_name(mcause));
    printf("*** mcause=0x%016lx mepc=0x%016lx mtval=0x%016lx sp=0x%016lx\n",
           (unsigned long)mcause, (unsigned long)mepc, (unsigned long)mtval,
           (unsigned long)sp);
    htif_exit(3);
}
