/*
 * JavaScript bindings of xstcp_bytes.h and xstcp_headers.h (xsmc), for every runtime: Moddable binds them
 * with native("..."), our XS 13.3 host and the firmware through hosts/xs/src/native.c.
 * Offsets are clamped to the buffers, as the JavaScript fallbacks clamp them.
 *
 *   xs_xstcp_checksum(buf, start, end, initial) -> folded one's-complement sum
 *   xs_xstcp_copy(dst, dstOffset, src, srcStart, srcEnd) -> bytes copied
 *   xs_xstcp_copy_checksum(dst, dstOffset, src, srcStart, srcEnd, initial) -> sum of the copied bytes
 *   xs_xstcp_read_frame(frame, mac, record) -> verdict (xstcp_headers.h), record filled
 *     (record: the ArrayBuffer of a Uint32Array, src/net/wire/header-record.ts)
 *   xs_xstcp_write_tcp(buf, offset, payload, src, dst, srcPort, dstPort, seq, ack, flags, window, urgent)
 *     -> segment length (header without options), 0 if it does not fit
 *   xs_xstcp_write_ipv4(frame, dstMac, srcMac, src, dst, protocol, tos, ttl, ident, dontFragment, payloadLength)
 *     -> 34 (Ethernet and IPv4 headers written), 0 if the frame is shorter
 */
#include "xsmc.h"
#include "xstcp_bytes.h"
#include "xstcp_headers.h"
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

/*
 * The header record argument: the ArrayBuffer of a Uint32Array of XSTCP_H_COUNT slots at
 * least (xsmc hands out only byte-sized views). Copied through a local record, so that no
 * runtime depends on the buffer's alignment.
 */
static void* recordArg(xsMachine* the, int index)
{
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(index), &data, &length);
	if (length < XSTCP_H_COUNT * sizeof(uint32_t))
		xsRangeError("header record too short");
	return data;
}

void xs_xstcp_read_frame(xsMachine* the)
{
	void* frame;
	void* mac;
	xsUnsignedValue length, macLength;
	uint32_t record[XSTCP_H_COUNT];
	void* out = recordArg(the, 2);
	int verdict;
	xsmcGetBufferReadable(xsArg(0), &frame, &length);
	xsmcGetBufferReadable(xsArg(1), &mac, &macLength);
	memcpy(record, out, sizeof(record));
	verdict = xstcpReadFrame(frame, length, mac, macLength, record);
	memcpy(out, record, sizeof(record));
	xsmcSetInteger(xsResult, verdict);
}

/* Argument `index` as ToUint32 would convert it (XS's integer conversion is modular). */
static uint32_t u32Arg(xsMachine* the, int index)
{
	return (uint32_t)xsmcToInteger(xsArg(index));
}

/* record[slots[i]] = argument first + i, for each of the count slots. */
static void argsToRecord(xsMachine* the, uint32_t* record, const int* slots, int count, int first)
{
	int i;
	for (i = 0; i < count; i++)
		record[slots[i]] = u32Arg(the, first + i);
}

static const int gTcpSlots[] = {
	XSTCP_H_TCP_SRC_PORT, XSTCP_H_TCP_DST_PORT, XSTCP_H_TCP_SEQ, XSTCP_H_TCP_ACK, XSTCP_H_TCP_FLAGS, XSTCP_H_TCP_WINDOW, XSTCP_H_TCP_URGENT,
};
static const int gIpv4Slots[] = {
	XSTCP_H_IP_SRC, XSTCP_H_IP_DST, XSTCP_H_IP_PROTOCOL, XSTCP_H_IP_TOS, XSTCP_H_IP_TTL, XSTCP_H_IP_IDENT,
};

/*
 * Positional fields rather than a record: on XS a call's arguments cost less than the
 * typed-array stores that would fill one.
 */
void xs_xstcp_write_tcp(xsMachine* the)
{
	void* buf;
	void* payload;
	xsUnsignedValue length, count;
	size_t at;
	uint32_t record[XSTCP_H_COUNT];
	xsmcGetBufferWritable(xsArg(0), &buf, &length);
	xsmcGetBufferReadable(xsArg(2), &payload, &count);
	at = clampArg(the, &xsArg(1), length);
	if (length - at < 20 || count > length - at - 20) {
		xsmcSetInteger(xsResult, 0);
		return;
	}
	argsToRecord(the, record, gTcpSlots, 7, 5);
	xsmcSetInteger(xsResult, (xsIntegerValue)xstcpWriteTcp((uint8_t*)buf + at, payload, count, u32Arg(the, 3), u32Arg(the, 4), record));
}

void xs_xstcp_write_ipv4(xsMachine* the)
{
	void* frame;
	void* dstMac;
	void* srcMac;
	xsUnsignedValue length, dstLength, srcLength;
	uint32_t record[XSTCP_H_COUNT];
	xsmcGetBufferWritable(xsArg(0), &frame, &length);
	xsmcGetBufferReadable(xsArg(1), &dstMac, &dstLength);
	xsmcGetBufferReadable(xsArg(2), &srcMac, &srcLength);
	if (length < 34) {
		xsmcSetInteger(xsResult, 0);
		return;
	}
	argsToRecord(the, record, gIpv4Slots, 6, 3);
	record[XSTCP_H_IP_FRAGMENT_WORD] = xsmcTest(xsArg(9)) ? 0x4000 : 0;
	xstcpWriteIpv4(frame, dstMac, dstLength, srcMac, srcLength, (size_t)u32Arg(the, 10), record);
	xsmcSetInteger(xsResult, 34);
}
