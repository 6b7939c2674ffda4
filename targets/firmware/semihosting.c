/* Arm semihosting calls (see semihosting.h): SYS_GET_CMDLINE and SYS_EXIT_EXTENDED. */
#include <stdint.h>
#include "semihosting.h"

#define SYS_GET_CMDLINE 0x15
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static int semihostingCall(int operation, void* argument)
{
	register int r0 __asm("r0") = operation;
	register void* r1 __asm("r1") = argument;
	__asm volatile ("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

int semihostingCommandLine(char* buffer, size_t size)
{
	uint32_t block[2] = { (uint32_t)buffer, (uint32_t)size };
	if (semihostingCall(SYS_GET_CMDLINE, block) != 0)
		return -1;
	buffer[size - 1] = 0;
	return (int)block[1];
}

void semihostingExit(int code)
{
	/* The extended form carries the status on 32-bit Arm; plain SYS_EXIT only says "stopped". */
	uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code };
	semihostingCall(SYS_EXIT_EXTENDED, block);
	semihostingCall(SYS_EXIT, (void*)ADP_STOPPED_APPLICATION_EXIT);
	for (;;)
		__asm volatile ("wfi");
}
