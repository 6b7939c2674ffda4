/** UDP (RFC 768). */
import { readU16, writeU16, placeBytes } from './bytes.js';
import { onesComplementSum, pseudoHeaderSum } from './checksum.js';
import { IPPROTO_UDP } from './ipv4.js';
import type { UdpDropReason } from './reasons.js';

export const UDP_HEADER_LEN = 8;

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  /** The length field: header + payload. */
  length: number;
  /** A view ending at `length`: bytes after it in the IP payload are ignored. */
  payload: Uint8Array;
}

/**
 * Parses a UDP datagram (the IPv4 payload) from `src` to `dst`. A checksum field of 0
 * means the sender computed none; any other value is verified with the pseudo-header.
 */
export function parseUdp(buf: Uint8Array, src: number, dst: number): UdpDatagram | UdpDropReason {
  if (buf.length < UDP_HEADER_LEN) return 'udp-truncated';
  const length = readU16(buf, 4);
  if (length < UDP_HEADER_LEN || length > buf.length) return 'udp-bad-length';
  if (readU16(buf, 6) !== 0) {
    const sum = onesComplementSum(buf, 0, length, pseudoHeaderSum(src, dst, IPPROTO_UDP, length));
    if (sum !== 0xffff) return 'udp-bad-checksum';
  }
  return {
    srcPort: readU16(buf, 0),
    dstPort: readU16(buf, 2),
    length,
    payload: buf.subarray(UDP_HEADER_LEN, length),
  };
}

/** Writes header, payload (copied unless already in place) and checksum; returns 8 + payload length. */
export function emitUdp(srcPort: number, dstPort: number, payload: Uint8Array, src: number, dst: number, buf: Uint8Array, offset: number): number {
  const length = UDP_HEADER_LEN + payload.length;
  writeU16(buf, offset, srcPort);
  writeU16(buf, offset + 2, dstPort);
  writeU16(buf, offset + 4, length);
  writeU16(buf, offset + 6, 0);
  placeBytes(payload, buf, offset + UDP_HEADER_LEN);
  const sum = onesComplementSum(buf, offset, offset + length, pseudoHeaderSum(src, dst, IPPROTO_UDP, length));
  // A computed checksum of 0 is sent as 0xffff, because 0 means "no checksum" (RFC 768).
  writeU16(buf, offset + 6, ~sum & 0xffff || 0xffff);
  return length;
}
