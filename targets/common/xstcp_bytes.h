/*
 * The byte work of the stack's hot path in C, shared by every runtime: our XS 13.3 host,
 * the Moddable app and the firmware bind it to JavaScript through bytes_xs.c, and the
 * stack picks it up through the hooks of src/net/wire/checksum.ts and bytes.ts. The
 * arithmetic is that of the JavaScript fallbacks there, result for result.
 */
#ifndef XSTCP_BYTES_H
#define XSTCP_BYTES_H

#include <stddef.h>
#include <stdint.h>

/*
 * One's-complement sum of bytes[start..end) taken as big-endian 16-bit words (an odd
 * last byte padded with zero) plus `initial`, folded to 16 bits, not inverted.
 */
uint32_t xstcpSum16(const uint8_t* bytes, size_t start, size_t end, uint64_t initial);

/* Copies count bytes from src to dst (the two may overlap) and returns their xstcpSum16 plus initial. */
uint32_t xstcpCopySum16(uint8_t* dst, const uint8_t* src, size_t count, uint64_t initial);

#endif
