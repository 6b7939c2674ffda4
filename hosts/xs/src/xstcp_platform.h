/*
 * The XSPLATFORM header of the xstcp XS host (Linux, gcc). XS includes it from
 * xsPlatform.h when INCLUDE_XSPLATFORM is defined; it supplies the libc headers, says
 * which defaults of xsPlatforms.c we take, and adds our fields to every machine.
 */
#ifndef XSTCP_PLATFORM_H
#define XSTCP_PLATFORM_H

#undef mxLinux
#define mxLinux 1
#undef mxLittleEndian
#define mxLittleEndian 1
#undef mxBigEndian
#define mxBigEndian 0

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <unistd.h>

#define XS_FUNCTION_NORETURN __attribute__((noreturn))

#define mxUseGCCAtomics 1
#define mxUsePOSIXThreads 1

/* Ours: machine platform, promise job queue, module lookup and loading, abort, xsbug. */
#define mxUseDefaultBuildKeys 1
#define mxUseDefaultChunkAllocation 1
#define mxUseDefaultSlotAllocation 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1

/*
 * Per machine: `host` points at the host state (event loop, fds), `promiseJobs` is set
 * when XS queues promise jobs, `debugSocket` is the xsbug connection (-1 when none). The
 * waiter fields are what xsAtomics.c needs for Atomics.wait.
 */
#define mxMachinePlatform \
	void* host; \
	int promiseJobs; \
	int debugSocket; \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink;

#endif /* XSTCP_PLATFORM_H */
