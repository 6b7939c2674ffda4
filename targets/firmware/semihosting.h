/*
 * Arm semihosting (the debugger's or emulator's file and process services reached with
 * `bkpt 0xab`): the command line QEMU was given with -semihosting-config arg=..., and the
 * exit with a status. Only usable where a debugger or an emulator answers.
 */
#ifndef XSTCP_SEMIHOSTING_H
#define XSTCP_SEMIHOSTING_H

#include <stddef.h>

/* The command line into `buffer` (NUL-terminated); its length, or -1 when refused. */
int semihostingCommandLine(char* buffer, size_t size);
/* Ends the emulation with `code` as the emulator's exit status. */
void semihostingExit(int code) __attribute__((noreturn));

#endif
