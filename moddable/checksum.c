/*
 * The native summing loop of the Internet checksum for the Moddable app (moddable/
 * checksum.ts installs it as the stack's checksum accelerator): the one's-complement
 * sum of buf[start..end) as big-endian 16-bit words plus initial, folded to 16 bits and
 * not inverted — the arithmetic of softwareOnesComplementSum in src/net/wire/checksum.ts.
 * In JavaScript that loop is most of the per-segment cost on XS.
 */
#include "xsmc.h"
#include <stdint.h>

void xs_xstcp_checksum(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	const uint8_t* bytes;
	double startArg = xsmcToNumber(xsArg(1));
	double endArg = xsmcToNumber(xsArg(2));
	double initial = (xsmcArgc > 3) ? xsmcToNumber(xsArg(3)) : 0;
	uint64_t sum = ((initial > 0) && (initial < 9007199254740992.0)) ? (uint64_t)initial : 0;
	size_t start, end, at;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	bytes = data;
	start = (startArg > 0) ? (size_t)startArg : 0;
	end = (endArg > (double)length) ? (size_t)length : ((endArg > 0) ? (size_t)endArg : 0);
	for (at = start; at + 1 < end; at += 2)
		sum += ((uint32_t)bytes[at] << 8) | bytes[at + 1];
	/* An odd trailing byte is the high half of a word padded with zero. */
	if ((at < end) && (at >= start))
		sum += (uint32_t)bytes[at] << 8;
	while (sum >> 32)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	xsmcSetInteger(xsResult, (xsIntegerValue)sum);
}
