/*
 * rt.c (host) - the free-RAM block of the native benchmark shim (rt.h).
 */
#include "rt.h"

#include <stdlib.h>

#define RAM_SIZE ((size_t)128 << 20)
#define PAGE_SIZE ((size_t)4096)

static char *ram;

static char *ram_block(void)
{
    if (!ram) {
        ram = aligned_alloc(PAGE_SIZE, RAM_SIZE);
        if (!ram) {
            fprintf(stderr, "native shim: cannot allocate %zu bytes\n", RAM_SIZE);
            exit(2);
        }
    }
    return ram;
}

void *rt_heap_start(void)
{
    return ram_block();
}

void *rt_ram_end(void)
{
    return ram_block() + RAM_SIZE;
}
