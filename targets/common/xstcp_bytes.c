/*
 * The checksum and copy loops of xstcp_bytes.h. 64-bit accumulators: no carry handling
 * inside the loops for anything shorter than 2^48 bytes.
 */
#include "xstcp_bytes.h"
#include <string.h>

static uint32_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint32_t)sum;
}

uint32_t xstcpSum16(const uint8_t* bytes, size_t start, size_t end, uint64_t initial)
{
	uint64_t sum = initial;
	size_t at = start;
	if (start < end) {
		for (; at + 1 < end; at += 2)
			sum += ((uint32_t)bytes[at] << 8) | bytes[at + 1];
		if (at < end)
			sum += (uint32_t)bytes[at] << 8;
	}
	return fold(sum);
}

uint32_t xstcpCopySum16(uint8_t* dst, const uint8_t* src, size_t count, uint64_t initial)
{
	/* memmove first (overlap-safe and the fastest copy the C library has), then sum the copy in cache. */
	memmove(dst, src, count);
	return xstcpSum16(dst, 0, count, initial);
}
