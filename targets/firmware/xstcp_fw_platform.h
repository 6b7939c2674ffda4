/*
 * The XSPLATFORM header of the bare-metal firmware (arm-none-eabi gcc + newlib, no OS, no
 * threads). XS includes it from xsPlatform.h when INCLUDE_XSPLATFORM is defined: the libc
 * headers, which defaults of xsPlatforms.c we take, and our fields on the machine.
 */
#ifndef XSTCP_FW_PLATFORM_H
#define XSTCP_FW_PLATFORM_H

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

#define XS_FUNCTION_NORETURN __attribute__((noreturn))

/* newlib has no PATH_MAX; module keys are short embedded paths. */
#ifndef PATH_MAX
#define PATH_MAX 256
#endif
#define C_PATH_MAX PATH_MAX

/* One core, one machine, no threads: Atomics work on plain memory (gcc builtins). */
#define mxUseGCCAtomics 1

/* fxBuildKeys is ours (xs_platform.c): the built-in keys, then the embedded modules' keys. */
#define mxUseDefaultBuildKeys 0
#define mxUseDefaultChunkAllocation 1
#define mxUseDefaultSlotAllocation 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1

/* Per machine: `promiseJobs` is set when XS queues promise jobs (the main loop runs them). */
#define mxMachinePlatform \
	int promiseJobs; \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink;

#endif /* XSTCP_FW_PLATFORM_H */
