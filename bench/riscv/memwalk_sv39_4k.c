/*
 * memwalk_sv39_4k.c - the memwalk walk (memwalk.h) in S-mode under Sv39 with
 * 4 KiB pages: every access of the walk needs a leaf PTE of its own, so this
 * measures what translation adds to the paging-off memwalk (same checksum).
 * Needs the default 128 MiB of RAM.
 */
#include "memwalk.h"
#include "sv39.h"

static int walk(void *free_end)
{
    return memwalk_run("memwalk_sv39_4k", rt_heap_start(), free_end);
}

int main(void)
{
    sv39_run(SV39_LEAF_4K, walk);
}
