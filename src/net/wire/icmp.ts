/** ICMP for IPv4 (RFC 792): the messages a host answers or sends, echo and unreachable. */
import { readU16, readU32, writeU16, writeU32, placeBytes } from './bytes.js';
import { internetChecksum, onesComplementSum } from './checksum.js';
import type { IcmpDropReason } from './reasons.js';

export const ICMP_HEADER_LEN = 8;

export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACHABLE = 3;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAMETER_PROBLEM = 12;

/** Codes of ICMP_DEST_UNREACHABLE. */
export const ICMP_NET_UNREACHABLE = 0;
export const ICMP_HOST_UNREACHABLE = 1;
export const ICMP_PROTOCOL_UNREACHABLE = 2;
export const ICMP_PORT_UNREACHABLE = 3;
export const ICMP_FRAGMENTATION_NEEDED = 4;
export const ICMP_SOURCE_ROUTE_FAILED = 5;

/** How much of the offending datagram an unreachable message quotes beyond its header. */
const QUOTED_DATA_LEN = 8;

export interface IcmpMessage {
  type: number;
  code: number;
  /** Bytes 4-5 and 6-7: meaningful for echo; `rest` holds the same 4 bytes for other types. */
  ident: number;
  sequence: number;
  /** The 4 bytes after the checksum as an unsigned 32-bit number. */
  rest: number;
  /** Everything after the 8-byte header, a view into the input. */
  payload: Uint8Array;
}

/** Parses an ICMP message (the whole IPv4 payload) and verifies its checksum. */
export function parseIcmp(buf: Uint8Array): IcmpMessage | IcmpDropReason {
  if (buf.length < ICMP_HEADER_LEN) return 'icmp-truncated';
  if (onesComplementSum(buf, 0, buf.length) !== 0xffff) return 'icmp-bad-checksum';
  return {
    type: buf[0],
    code: buf[1],
    ident: readU16(buf, 4),
    sequence: readU16(buf, 6),
    rest: readU32(buf, 4),
    payload: buf.subarray(ICMP_HEADER_LEN),
  };
}

/**
 * Writes any ICMP message: header, `payload` (copied unless already in place) and the
 * checksum; returns 8 + payload length.
 */
export function emitIcmp(type: number, code: number, rest: number, payload: Uint8Array, buf: Uint8Array, offset: number): number {
  buf[offset] = type;
  buf[offset + 1] = code;
  buf[offset + 2] = 0;
  buf[offset + 3] = 0;
  writeU32(buf, offset + 4, rest);
  placeBytes(payload, buf, offset + ICMP_HEADER_LEN);
  const end = offset + ICMP_HEADER_LEN + payload.length;
  writeU16(buf, offset + 2, internetChecksum(buf, offset, end));
  return end - offset;
}

/** Echo request or reply; returns 8 + payload length. */
export function emitIcmpEcho(type: number, ident: number, sequence: number, payload: Uint8Array, buf: Uint8Array, offset: number): number {
  return emitIcmp(type, 0, (((ident & 0xffff) << 16) | (sequence & 0xffff)) >>> 0, payload, buf, offset);
}

/** The part of an offending datagram that an unreachable message quotes: its header + 8 bytes. */
export function icmpQuoteLength(originalIpPacket: Uint8Array): number {
  const headerLength = (originalIpPacket.length > 0 ? originalIpPacket[0] & 0x0f : 0) * 4;
  return Math.min(originalIpPacket.length, headerLength + QUOTED_DATA_LEN);
}

/** Size of the message emitIcmpUnreachable writes for this datagram. */
export function icmpUnreachableLength(originalIpPacket: Uint8Array): number {
  return ICMP_HEADER_LEN + icmpQuoteLength(originalIpPacket);
}

/**
 * Destination unreachable with `code`, quoting the original datagram's IP header and the
 * first 8 bytes of its payload (RFC 792, RFC 1122 §3.2.2); returns the message length.
 */
export function emitIcmpUnreachable(code: number, originalIpPacket: Uint8Array, buf: Uint8Array, offset: number): number {
  const quote = originalIpPacket.subarray(0, icmpQuoteLength(originalIpPacket));
  return emitIcmp(ICMP_DEST_UNREACHABLE, code, 0, quote, buf, offset);
}
