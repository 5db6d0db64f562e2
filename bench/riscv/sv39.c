/*
 * sv39.c - Sv39 identity mapping and the M-to-S switch for the memwalk_sv39_*
 * workloads (see sv39.h).
 */
#include "sv39.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
/* Leaves are RWX so code, data and the stack can share one kind of PTE; A
   and D are preset so no access traps or needs a hardware update. */
#define PTE_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D)

#define PT_ENTRIES 512u
#define PT_BYTES (PT_ENTRIES * 8u)

#define SATP_MODE_SV39 (8ull << 60)
#define MSTATUS_MPP_MASK (3ull << 11)
#define MSTATUS_MPP_S (1ull << 11)
#define MSTATUS_MPRV (1ull << 17)
#define MCOUNTEREN_CY_TM_IR 7u
#define PMPCFG_NAPOT_RWX 0x1fu /* A = NAPOT, R, W, X; not locked */

/* crt0.S puts _start at the start of RAM (ORIGIN in link.ld). */
extern char _start[];

static uint64_t pte_to(uintptr_t pa, uint64_t flags)
{
    return ((uint64_t)pa >> 12) << 10 | flags;
}

static unsigned vpn(uintptr_t va, unsigned level)
{
    return (unsigned)(va >> (12 + 9 * level)) & (PT_ENTRIES - 1);
}

/* Builds the tables and writes satp (translation applies from S-mode on);
   returns the lowest byte the tables use. */
static void *sv39_setup(enum sv39_leaf leaf)
{
    const uintptr_t two_mib = 1u << 21;
    uintptr_t ram = (uintptr_t)_start & ~(two_mib - 1);
    uintptr_t ram_end = (uintptr_t)rt_ram_end() & ~(two_mib - 1);
    uintptr_t megapages = (ram_end - ram) / two_mib;

    /* Tables from the top of RAM down: the root, one level-1 table (RAM is
       far smaller than the 1 GiB one root entry spans, and does not cross a
       1 GiB boundary on the spike board), then one level-0 table per 2 MiB
       when the leaves are 4 KiB.  The tables are mapped like all RAM. */
    uintptr_t tables = ram_end - 2 * PT_BYTES;
    if (leaf == SV39_LEAF_4K) {
        tables -= megapages * PT_BYTES;
    }
    uint64_t *root = (uint64_t *)tables;
    uint64_t *l1 = root + PT_ENTRIES;
    uint64_t *l0 = l1 + PT_ENTRIES;
    memset(root, 0, ram_end - tables);

    root[vpn(ram, 2)] = pte_to((uintptr_t)l1, PTE_V);
    for (uintptr_t m = 0; m < megapages; ++m) {
        uintptr_t pa = ram + m * two_mib;
        if (leaf == SV39_LEAF_2M) {
            l1[vpn(pa, 1)] = pte_to(pa, PTE_LEAF);
            continue;
        }
        uint64_t *table = l0 + m * PT_ENTRIES;
        l1[vpn(pa, 1)] = pte_to((uintptr_t)table, PTE_V);
        for (unsigned i = 0; i < PT_ENTRIES; ++i) {
            table[i] = pte_to(pa + ((uintptr_t)i << 12), PTE_LEAF);
        }
    }

    /* With PMP implemented, an S-mode access that matches no entry fails:
       entry 0 covers the whole address space (NAPOT, all ones). */
    __asm__ volatile("csrw pmpaddr0, %0" ::"r"(~0ull));
    __asm__ volatile("csrw pmpcfg0, %0" ::"r"((uint64_t)PMPCFG_NAPOT_RWX));
    /* bench_finish() reads instret in S-mode; cycle and time come along. */
    __asm__ volatile("csrw mcounteren, %0" ::"r"((uint64_t)MCOUNTEREN_CY_TM_IR));
    __asm__ volatile("sfence.vma zero, zero\n\t"
                     "csrw satp, %0\n\t"
                     "sfence.vma zero, zero" ::"r"(SATP_MODE_SV39 | (uint64_t)(tables >> 12))
                     : "memory");
    return (void *)tables;
}

static int (*s_mode_fn)(void *free_end);
static void *s_mode_free_end;

/* mret lands here, in S-mode; there is nothing to return to. */
__attribute__((noreturn)) static void s_mode_entry(void)
{
    htif_exit(s_mode_fn(s_mode_free_end));
}

void sv39_run(enum sv39_leaf leaf, int (*fn)(void *free_end))
{
    s_mode_fn = fn;
    s_mode_free_end = sv39_setup(leaf);
    uint64_t mstatus;
    __asm__ volatile("csrr %0, mstatus" : "=r"(mstatus));
    mstatus = (mstatus & ~(MSTATUS_MPP_MASK | MSTATUS_MPRV)) | MSTATUS_MPP_S;
    __asm__ volatile("csrw mstatus, %0\n\t"
                     "csrw mepc, %1\n\t"
                     "mret" ::"r"(mstatus), "r"((uintptr_t)s_mode_entry)
                     : "memory");
    __builtin_unreachable();
}
