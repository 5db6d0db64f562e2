/*
 * memwalk.c - page-stride memory benchmark with paging off (M-mode, physical
 * addresses): the walk of memwalk.h over the 64 MiB above the image.  Needs
 * RAM from the end of the image up to 64 MiB beyond it (the default 128 MiB
 * is fine).  memwalk_sv39_4k/_2m run the same walk under Sv39.
 */
#include "memwalk.h"

int main(void)
{
    return memwalk_run("memwalk", rt_heap_start(), rt_ram_end());
}
