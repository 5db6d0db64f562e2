/*
 * htif.c - console output and exit through the spike board's HTIF mailbox
 * (see htif.h for the protocol).  Each console byte is a full round trip:
 * write the request to `tohost`, wait until the host answers in `fromhost`,
 * then clear `fromhost` for the next request.
 */
#include "htif.h"

#define HTIF_DEV_CONSOLE 1ull
#define HTIF_CMD_PUTCHAR 1ull

void htif_putchar(int ch)
{
    tohost = (HTIF_DEV_CONSOLE << 56) | (HTIF_CMD_PUTCHAR << 48) | (uint8_t)ch;
    while (fromhost == 0) {
    }
    fromhost = 0;
}

void htif_exit(int code)
{
    /* Keep the status inside the payload field (device 0, command 0). */
    tohost = ((uint64_t)(uint32_t)code << 1) | 1;
    for (;;) {
    }
}
