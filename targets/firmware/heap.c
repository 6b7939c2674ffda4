/*
 * The C library's system calls for a board without an OS: malloc's heap grows with _sbrk
 * over the region the linker script leaves between .bss and the stack (optionally capped
 * at boot, to run as on a part with less RAM), stdout/stderr go to the console, and time
 * comes from the millisecond clock. Nothing else (files, processes) exists. Also the
 * main stack's peak: painted at boot, measured by the paint left untouched.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include "fw_board.h"
#include "fw_core.h"

extern char __heap_start, __heap_end;
static char* gBreak = &__heap_start;
static char* gLimit = &__heap_end;

void heapLimit(size_t bytes)
{
	if ((bytes > 0) && (bytes < (size_t)(&__heap_end - &__heap_start)))
		gLimit = &__heap_start + bytes;
}

size_t heapUsed(void)
{
	return (size_t)(gBreak - &__heap_start);
}

size_t heapSize(void)
{
	return (size_t)(gLimit - &__heap_start);
}

/* The target's linker script: the main stack's lowest address and its top. */
extern uint32_t __xstcp_stack_bottom, __xstcp_stack_top;
#define STACK_PAINT 0xA5A5A5A5u

void stackPaint(void)
{
	volatile uint32_t here = 0;
	/* Up to a little below this frame: from there up the stack is in use. */
	uint32_t* end = (uint32_t*)((uintptr_t)&here & ~(uintptr_t)3) - 64;
	for (uint32_t* p = &__xstcp_stack_bottom; p < end; p++)
		*p = STACK_PAINT;
}

size_t stackPeak(void)
{
	uint32_t* p = &__xstcp_stack_bottom;
	while ((p < &__xstcp_stack_top) && (*p == STACK_PAINT))
		p++;
	return (size_t)((char*)&__xstcp_stack_top - (char*)p);
}

void* _sbrk(ptrdiff_t increment)
{
	char* previous = gBreak;
	if ((increment > 0) && (increment > gLimit - gBreak)) {
		errno = ENOMEM;
		return (void*)-1;
	}
	gBreak += increment;
	return previous;
}

int _write(int fd, const void* buffer, size_t length)
{
	if ((fd != 1) && (fd != 2)) {
		errno = EBADF;
		return -1;
	}
	fwConsoleWrite(buffer, length);
	return (int)length;
}

int _read(int fd, void* buffer, size_t length)
{
	errno = EBADF;
	return -1;
}

int _close(int fd)
{
	errno = EBADF;
	return -1;
}

off_t _lseek(int fd, off_t offset, int whence)
{
	errno = ESPIPE;
	return -1;
}

int _fstat(int fd, struct stat* info)
{
	info->st_mode = S_IFCHR;
	return 0;
}

int _isatty(int fd)
{
	return (fd >= 0) && (fd <= 2);
}

int _open(const char* path, int flags, ...)
{
	errno = ENOENT;
	return -1;
}

int _getpid(void)
{
	return 1;
}

int _kill(int pid, int signal)
{
	errno = EINVAL;
	return -1;
}

void _exit(int code)
{
	fwExit(code);
}

/* Date.now(): milliseconds since boot (the board has no calendar clock). */
int _gettimeofday(struct timeval* tv, void* zone)
{
	uint32_t ms = fwMillis();
	tv->tv_sec = ms / 1000;
	tv->tv_usec = (ms % 1000) * 1000;
	return 0;
}

/* newlib's constructor walk calls these around .init_array; nothing to do without crti. */
void _init(void)
{
}

void _fini(void)
{
}
