/*
 * htif.h - the Host-Target Interface of the spike board, guest side.
 *
 * The emulator watches the 64-bit word `tohost`.  A write of
 * (device << 56) | (command << 48) | payload asks the host to do something;
 * the host answers by writing a nonzero value to `fromhost`.  Device 0
 * command 0 with an odd payload means "exit with status payload >> 1";
 * device 1 command 1 writes the byte in the payload to the console.
 */
#ifndef KILN_RT_HTIF_H
#define KILN_RT_HTIF_H

#include <stdint.h>

extern volatile uint64_t tohost;
extern volatile uint64_t fromhost;

/* Writes one byte to the HTIF console and waits for the host to take it. */
void htif_putchar(int ch);

/* Ends the simulation with the given exit status; never returns. */
__attribute__((noreturn)) void htif_exit(int code);

#endif
