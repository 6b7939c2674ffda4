/*
 * The header reader and writer of xstcp_headers.h: the checks and fields of readIpv4 and
 * readTcp (src/net/wire/ipv4.ts, tcp.ts) in the same order, so the same frame gives the
 * same verdict and drop code on every runtime.
 */
#include "xstcp_headers.h"
#include "xstcp_bytes.h"
#include <string.h>

/* Drop codes of src/net/wire/reasons.ts (index in DROP_REASONS + 1). */
#define DROP_ETH_TRUNCATED 1
#define DROP_IPV4_TRUNCATED 4
#define DROP_IPV4_BAD_VERSION 5
#define DROP_IPV4_BAD_HEADER_LENGTH 6
#define DROP_IPV4_BAD_TOTAL_LENGTH 7
#define DROP_IPV4_BAD_CHECKSUM 8
#define DROP_TCP_TRUNCATED 14
#define DROP_TCP_BAD_HEADER_LENGTH 15
#define DROP_TCP_BAD_CHECKSUM 16

#define ETHERNET_HEADER_LEN 14
#define IPV4_HEADER_LEN 20
#define TCP_HEADER_LEN 20
#define IPPROTO_TCP 6
/* More-fragments flag and fragment offset: either set means a piece of a datagram. */
#define FRAGMENT_BITS 0x3fff

static uint32_t u16(const uint8_t* p)
{
	return ((uint32_t)p[0] << 8) | p[1];
}

static uint32_t u32(const uint8_t* p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put16(uint8_t* p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t* p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* pseudoHeaderSum of checksum.ts: addresses, protocol and length, folded. */
static uint32_t pseudoSum(uint32_t src, uint32_t dst, uint32_t length)
{
	uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + IPPROTO_TCP + (length & 0xffff);
	sum = (sum & 0xffff) + (sum >> 16);
	return (sum & 0xffff) + (sum >> 16);
}

static int forUs(const uint8_t* frame, const uint8_t* mac, size_t macLength)
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	if (memcmp(frame, broadcast, 6) == 0)
		return 1;
	return macLength >= 6 && memcmp(frame, mac, 6) == 0;
}

/* readTcp without the options: segment[0..length) from src to dst. */
static uint32_t readTcp(const uint8_t* segment, size_t length, uint32_t src, uint32_t dst, uint32_t* record)
{
	size_t headerLength;
	if (length < TCP_HEADER_LEN)
		return DROP_TCP_TRUNCATED;
	headerLength = (size_t)(segment[12] >> 4) * 4;
	if (headerLength < TCP_HEADER_LEN || headerLength > length)
		return DROP_TCP_BAD_HEADER_LENGTH;
	if (xstcpSum16(segment, 0, length, pseudoSum(src, dst, (uint32_t)length)) != 0xffff)
		return DROP_TCP_BAD_CHECKSUM;
	record[XSTCP_H_TCP_SRC_PORT] = u16(segment);
	record[XSTCP_H_TCP_DST_PORT] = u16(segment + 2);
	record[XSTCP_H_TCP_SEQ] = u32(segment + 4);
	record[XSTCP_H_TCP_ACK] = u32(segment + 8);
	record[XSTCP_H_TCP_FLAGS] = segment[13];
	record[XSTCP_H_TCP_WINDOW] = u16(segment + 14);
	record[XSTCP_H_TCP_URGENT] = u16(segment + 18);
	record[XSTCP_H_TCP_HEADER_LENGTH] = (uint32_t)headerLength;
	return 0;
}

int xstcpReadFrame(const uint8_t* frame, size_t length, const uint8_t* mac, size_t macLength, uint32_t* record)
{
	const uint8_t* ip;
	size_t available, headerLength, totalLength;
	uint32_t ethertype, fragmentWord;
	if (length < ETHERNET_HEADER_LEN)
		return DROP_ETH_TRUNCATED;
	if (!forUs(frame, mac, macLength))
		return XSTCP_FRAME_NOT_FOR_US;
	ethertype = u16(frame + 12);
	if (ethertype == 0x0806)
		return XSTCP_FRAME_ARP;
	if (ethertype != 0x0800)
		return XSTCP_FRAME_OTHER_TYPE;
	ip = frame + ETHERNET_HEADER_LEN;
	available = length - ETHERNET_HEADER_LEN;
	if (available < IPV4_HEADER_LEN)
		return DROP_IPV4_TRUNCATED;
	if ((ip[0] >> 4) != 4)
		return DROP_IPV4_BAD_VERSION;
	headerLength = (size_t)(ip[0] & 0x0f) * 4;
	if (headerLength < IPV4_HEADER_LEN || headerLength > available)
		return DROP_IPV4_BAD_HEADER_LENGTH;
	totalLength = u16(ip + 2);
	if (totalLength < headerLength || totalLength > available)
		return DROP_IPV4_BAD_TOTAL_LENGTH;
	if (xstcpSum16(ip, 0, headerLength, 0) != 0xffff)
		return DROP_IPV4_BAD_CHECKSUM;
	fragmentWord = u16(ip + 6);
	record[XSTCP_H_IP_SRC] = u32(ip + 12);
	record[XSTCP_H_IP_DST] = u32(ip + 16);
	record[XSTCP_H_IP_PROTOCOL] = ip[9];
	record[XSTCP_H_IP_TTL] = ip[8];
	record[XSTCP_H_IP_TOS] = ip[1];
	record[XSTCP_H_IP_IDENT] = u16(ip + 4);
	record[XSTCP_H_IP_FRAGMENT_WORD] = fragmentWord;
	record[XSTCP_H_IP_HEADER_LENGTH] = (uint32_t)headerLength;
	record[XSTCP_H_IP_TOTAL_LENGTH] = (uint32_t)totalLength;
	if (ip[9] == IPPROTO_TCP && (fragmentWord & FRAGMENT_BITS) == 0)
		record[XSTCP_H_TCP_CODE] = readTcp(ip + headerLength, totalLength - headerLength, record[XSTCP_H_IP_SRC], record[XSTCP_H_IP_DST], record);
	else
		record[XSTCP_H_TCP_CODE] = XSTCP_TCP_NOT_READ;
	return XSTCP_FRAME_IPV4;
}

size_t xstcpWriteTcp(uint8_t* segment, const uint8_t* payload, size_t count, uint32_t src, uint32_t dst, const uint32_t* record)
{
	size_t length = TCP_HEADER_LEN + count;
	uint32_t sum;
	put16(segment, record[XSTCP_H_TCP_SRC_PORT]);
	put16(segment + 2, record[XSTCP_H_TCP_DST_PORT]);
	put32(segment + 4, record[XSTCP_H_TCP_SEQ]);
	put32(segment + 8, record[XSTCP_H_TCP_ACK]);
	segment[12] = (TCP_HEADER_LEN >> 2) << 4;
	segment[13] = (uint8_t)record[XSTCP_H_TCP_FLAGS];
	put16(segment + 14, record[XSTCP_H_TCP_WINDOW]);
	put16(segment + 16, 0);
	put16(segment + 18, record[XSTCP_H_TCP_URGENT]);
	if (count && payload != segment + TCP_HEADER_LEN)
		memmove(segment + TCP_HEADER_LEN, payload, count);
	sum = xstcpSum16(segment, 0, length, pseudoSum(src, dst, (uint32_t)length));
	put16(segment + 16, ~sum & 0xffff);
	return length;
}

static void putMac(uint8_t* to, const uint8_t* mac, size_t length)
{
	size_t i;
	for (i = 0; i < 6; i++)
		to[i] = (i < length) ? mac[i] : 0;
}

void xstcpWriteIpv4(uint8_t* frame, const uint8_t* dstMac, size_t dstMacLength, const uint8_t* srcMac, size_t srcMacLength,
	size_t payloadLength, const uint32_t* record)
{
	uint8_t* ip = frame + ETHERNET_HEADER_LEN;
	putMac(frame, dstMac, dstMacLength);
	putMac(frame + 6, srcMac, srcMacLength);
	put16(frame + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = (uint8_t)record[XSTCP_H_IP_TOS];
	put16(ip + 2, (uint32_t)(IPV4_HEADER_LEN + payloadLength));
	put16(ip + 4, record[XSTCP_H_IP_IDENT]);
	put16(ip + 6, record[XSTCP_H_IP_FRAGMENT_WORD] & 0x4000);
	ip[8] = (uint8_t)record[XSTCP_H_IP_TTL];
	ip[9] = (uint8_t)record[XSTCP_H_IP_PROTOCOL];
	put16(ip + 10, 0);
	put32(ip + 12, record[XSTCP_H_IP_SRC]);
	put32(ip + 16, record[XSTCP_H_IP_DST]);
	put16(ip + 10, ~xstcpSum16(ip, 0, IPV4_HEADER_LEN, 0) & 0xffff);
}
