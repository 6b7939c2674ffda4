/*
 * What a board gives the firmware core (targets/firmware): console, clock, sleep, exit,
 * configuration and entropy. Each target (targets/mps2-an500, targets/stm32) implements
 * these in its own files; the core (XS platform, natives, main loop) calls only these,
 * plus the Ethernet driver the target links in (targets/common/xstcp_ethernet.h).
 */
#ifndef XSTCP_FW_BOARD_H
#define XSTCP_FW_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* Clocks, console, timer tick and interrupts; called first thing in main(). */
void fwBoardInit(void);
/* Writes to the console (blocking until the bytes are in the transmitter). */
void fwConsoleWrite(const char* text, size_t length);
/* The next byte the console received, or -1 when none is waiting. */
int fwConsoleRead(void);
/* Milliseconds since boot (the SysTick count). */
uint32_t fwMillis(void);
/* Nanoseconds since boot, as finely as the board can tell (for CPU figures). */
uint64_t fwNanos(void);
/*
 * Sleeps until an interrupt is pending (tick, Ethernet, console); called with interrupts
 * masked so that nothing that arrives between the check and the sleep is missed.
 */
void fwSleep(void);
/* 1 when a device of the board (the Ethernet controller) has work for the main loop. */
int fwBoardEventsPending(void);
/* Ends the firmware (semihosting exit under an emulator, a reset on hardware). */
void fwExit(int code) __attribute__((noreturn));
/*
 * The configuration line (like a command line: "--ip 198.18.0.2/24 --trace"), written
 * into `buffer` NUL-terminated; returns its length, or -1 when the board has none.
 */
int fwCommandLine(char* buffer, size_t size);
/* 32 random bits (a hardware RNG where there is one, else stirred from the seed). */
uint32_t fwRandom32(void);
/* Mixes a seed into fwRandom32 (the host's entropy where the board has no RNG). */
void fwRandomSeed(uint64_t seed);

#endif /* XSTCP_FW_BOARD_H */
