/*
 * Header reading and writing of the stack's hot path in C (Ethernet, IPv4, TCP), shared
 * by every runtime: bytes_xs.c binds it for JavaScript, and src/net/wire/header-record.ts
 * names the record's slots and the verdicts below. Every check and every field is that of
 * the JavaScript readers (readIpv4, readTcp) and writers (emitTcp without options),
 * result for result, so that a runtime with these functions behaves as one without.
 */
#ifndef XSTCP_HEADERS_H
#define XSTCP_HEADERS_H

#include <stddef.h>
#include <stdint.h>

/* Slots of the header record (a Uint32Array on the JavaScript side). */
enum {
	XSTCP_H_IP_SRC = 0,
	XSTCP_H_IP_DST,
	XSTCP_H_IP_PROTOCOL,
	XSTCP_H_IP_TTL,
	XSTCP_H_IP_TOS,
	XSTCP_H_IP_IDENT,
	XSTCP_H_IP_FRAGMENT_WORD,
	XSTCP_H_IP_HEADER_LENGTH,
	XSTCP_H_IP_TOTAL_LENGTH,
	/* 0, a TCP drop code, or XSTCP_TCP_NOT_READ. */
	XSTCP_H_TCP_CODE,
	XSTCP_H_TCP_SRC_PORT,
	XSTCP_H_TCP_DST_PORT,
	XSTCP_H_TCP_SEQ,
	XSTCP_H_TCP_ACK,
	XSTCP_H_TCP_FLAGS,
	XSTCP_H_TCP_WINDOW,
	XSTCP_H_TCP_URGENT,
	XSTCP_H_TCP_HEADER_LENGTH,
	XSTCP_H_COUNT
};

/* Verdicts of xstcpReadFrame beside the drop codes of src/net/wire/reasons.ts. */
#define XSTCP_FRAME_IPV4 0
#define XSTCP_FRAME_NOT_FOR_US 32
#define XSTCP_FRAME_ARP 33
#define XSTCP_FRAME_OTHER_TYPE 34
/* XSTCP_H_TCP_CODE when the datagram is not TCP or is a fragment. */
#define XSTCP_TCP_NOT_READ 255

/*
 * Reads the Ethernet header of frame[0..length) (other than to `mac` or broadcast: not for us), the
 * IPv4 header and, for an unfragmented TCP datagram, the TCP header (checksums verified;
 * options are left to the caller: XSTCP_H_TCP_HEADER_LENGTH says whether there are any).
 * Returns XSTCP_FRAME_IPV4 with the IPv4 slots filled, another verdict, or the drop code
 * of the Ethernet or IPv4 header.
 */
int xstcpReadFrame(const uint8_t* frame, size_t length, const uint8_t* mac, size_t macLength, uint32_t* record);

/*
 * Writes a TCP header without options at segment[0..20) from the record's TCP slots,
 * the payload of `count` bytes at segment[20...] (copied from `payload` unless it is
 * already there), and the checksum over the pseudo-header from src to dst. Returns the
 * segment length.
 */
size_t xstcpWriteTcp(uint8_t* segment, const uint8_t* payload, size_t count, uint32_t src, uint32_t dst, const uint32_t* record);

/*
 * Writes the Ethernet header (to dstMac from srcMac, IPv4; a MAC shorter than 6 bytes is
 * padded with zeros) and a 20-byte IPv4 header from the record's IP slots (source,
 * destination, protocol, TTL, TOS, ident, and the fragment word's don't-fragment flag)
 * for a payload of payloadLength bytes, checksum filled, at frame[0..34).
 */
void xstcpWriteIpv4(uint8_t* frame, const uint8_t* dstMac, size_t dstMacLength, const uint8_t* srcMac, size_t srcMacLength,
	size_t payloadLength, const uint32_t* record);

#endif
