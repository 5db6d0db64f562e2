/*
 * memwalk_sv39_2m.c - the memwalk walk (memwalk.h) in S-mode under Sv39 with
 * 2 MiB megapages: 32 leaf PTEs cover the walked 64 MiB, so a TLB that keeps
 * the page size can do better here than with 4 KiB pages (same checksum).
 * Needs the default 128 MiB of RAM.
 */
#include "memwalk.h"
#include "sv39.h"

static int walk(void *free_end)
{
    return memwalk_run("memwalk_sv39_2m", rt_heap_start(), free_end);
}

int main(void)
{
    sv39_run(SV39_LEAF_2M, walk);
}
