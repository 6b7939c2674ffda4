/*
 * JavaScript bindings of xstcp_bytes.h (xsmc), for every runtime: Moddable binds them
 * with native("..."), our XS 13.3 host and the firmware through hosts/xs/src/native.c.
 * Offsets are clamped to the buffers, as the JavaScript fallbacks clamp them.
 *
 *   xs_xstcp_checksum(buf, start, end, initial) -> folded one's-complement sum
 *   xs_xstcp_copy(dst, dstOffset, src, srcStart, srcEnd) -> bytes copied
 *   xs_xstcp_copy_checksum(dst, dstOffset, src, srcStart, srcEnd, initial) -> sum of the copied bytes
 */
#include "xsmc.h"
#include "xstcp_bytes.h"
#include <string.h>

/* A non-negative integer argument, clamped to [0, limit]. */
static size_t clampArg(xsMachine* the, xsSlot* slot, size_t limit)
{
	double value = xsmcToNumber(*slot);
	if (!(value > 0))
		return 0;
	return (value >= (double)limit) ? limit : (size_t)value;
}

static uint64_t initialArg(xsMachine* the, int index)
{
	double value = (xsmcArgc > index) ? xsmcToNumber(xsArg(index)) : 0;
	return ((value > 0) && (value < 9007199254740992.0)) ? (uint64_t)value : 0;
}

void xs_xstcp_checksum(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	size_t start, end;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	start = clampArg(the, &xsArg(1), length);
	end = clampArg(the, &xsArg(2), length);
	xsmcSetInteger(xsResult, (xsIntegerValue)xstcpSum16(data, start, end, initialArg(the, 3)));
}

/* Resolves the copy's arguments; returns the count (0 when there is nothing to copy). */
static size_t copyArgs(xsMachine* the, uint8_t** dst, const uint8_t** src)
{
	void* to;
	void* from;
	xsUnsignedValue dstLength, srcLength;
	size_t at, start, end, count;
	xsmcGetBufferWritable(xsArg(0), &to, &dstLength);
	xsmcGetBufferReadable(xsArg(2), &from, &srcLength);
	at = clampArg(the, &xsArg(1), dstLength);
	start = clampArg(the, &xsArg(3), srcLength);
	end = clampArg(the, &xsArg(4), srcLength);
	count = (start < end) ? end - start : 0;
	if (count > dstLength - at)
		count = dstLength - at;
	*dst = (uint8_t*)to + at;
	*src = (const uint8_t*)from + start;
	return count;
}

void xs_xstcp_copy(xsMachine* the)
{
	uint8_t* dst;
	const uint8_t* src;
	size_t count = copyArgs(the, &dst, &src);
	if (count)
		memmove(dst, src, count);
	xsmcSetInteger(xsResult, (xsIntegerValue)count);
}

void xs_xstcp_copy_checksum(xsMachine* the)
{
	uint8_t* dst;
	const uint8_t* src;
	size_t count = copyArgs(the, &dst, &src);
	xsmcSetInteger(xsResult, (xsIntegerValue)xstcpCopySum16(dst, src, count, initialArg(the, 5)));
}
