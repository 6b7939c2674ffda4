/** IPv4 header (RFC 791). Options are passed through as bytes, never interpreted. */
import { readU16, writeU16 } from './bytes.js';
import { internetChecksum, onesComplementSum } from './checksum.js';
import { ipv4FromBytes, writeIpv4 } from './ipv4-address.js';
import type { Ipv4DropReason } from './reasons.js';

export {
  ipv4FromBytes,
  ipv4ToBytes,
  writeIpv4,
  formatIpv4,
  parseIpv4Address,
  parseCidr,
  prefixToNetmask,
} from './ipv4-address.js';
export type { Cidr } from './ipv4-address.js';

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPV4_HEADER_LEN = 20;
/** Flag bits in the flags/fragment-offset word. */
const FLAG_DONT_FRAGMENT = 0x4000;
const FLAG_MORE_FRAGMENTS = 0x2000;
const FRAGMENT_OFFSET_MASK = 0x1fff;

export interface Ipv4Packet {
  src: number;
  dst: number;
  protocol: number;
  ttl: number;
  tos: number;
  ident: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** In bytes (the header field counts 8-byte units). */
  fragmentOffset: number;
  headerLength: number;
  totalLength: number;
  /** Option bytes (headerLength - 20 of them), a view into the input. */
  options: Uint8Array;
  /** A view ending at totalLength: Ethernet padding after the datagram is not included. */
  payload: Uint8Array;
}

/** What the sender chooses for an outgoing header (no options, never a fragment). */
export interface Ipv4Header {
  src: number;
  dst: number;
  protocol: number;
  ttl: number;
  tos: number;
  ident: number;
  dontFragment?: boolean;
}

/**
 * Parses and validates an IPv4 header. Fragments are reported, not rejected: the
 * interface decides what to do with them (see isFragment).
 */
export function parseIpv4(buf: Uint8Array, verifyChecksum = true): Ipv4Packet | Ipv4DropReason {
  if (buf.length < IPV4_HEADER_LEN) return 'ipv4-truncated';
  if (buf[0] >> 4 !== 4) return 'ipv4-bad-version';
  const headerLength = (buf[0] & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LEN || headerLength > buf.length) return 'ipv4-bad-header-length';
  const totalLength = readU16(buf, 2);
  if (totalLength < headerLength || totalLength > buf.length) return 'ipv4-bad-total-length';
  // A correct header, its checksum included, sums to 0xffff (one's-complement zero).
  if (verifyChecksum && onesComplementSum(buf, 0, headerLength) !== 0xffff) return 'ipv4-bad-checksum';
  const fragmentWord = readU16(buf, 6);
  return {
    src: ipv4FromBytes(buf, 12),
    dst: ipv4FromBytes(buf, 16),
    protocol: buf[9],
    ttl: buf[8],
    tos: buf[1],
    ident: readU16(buf, 4),
    dontFragment: (fragmentWord & FLAG_DONT_FRAGMENT) !== 0,
    moreFragments: (fragmentWord & FLAG_MORE_FRAGMENTS) !== 0,
    fragmentOffset: (fragmentWord & FRAGMENT_OFFSET_MASK) * 8,
    headerLength,
    totalLength,
    options: buf.subarray(IPV4_HEADER_LEN, headerLength),
    payload: buf.subarray(headerLength, totalLength),
  };
}

/** True for any piece of a fragmented datagram (more to come, or not the first piece). */
export function isFragment(p: Pick<Ipv4Packet, 'moreFragments' | 'fragmentOffset'>): boolean {
  return p.moreFragments || p.fragmentOffset !== 0;
}

/**
 * Writes a 20-byte header (no options) for a payload of `payloadLength` bytes, checksum
 * filled; returns 20. The payload itself is the caller's to place after it.
 */
export function emitIpv4Header(h: Ipv4Header, payloadLength: number, buf: Uint8Array, offset: number): number {
  buf[offset] = 0x45;
  buf[offset + 1] = h.tos;
  writeU16(buf, offset + 2, IPV4_HEADER_LEN + payloadLength);
  writeU16(buf, offset + 4, h.ident);
  writeU16(buf, offset + 6, h.dontFragment === true ? FLAG_DONT_FRAGMENT : 0);
  buf[offset + 8] = h.ttl;
  buf[offset + 9] = h.protocol;
  buf[offset + 10] = 0;
  buf[offset + 11] = 0;
  writeIpv4(h.src, buf, offset + 12);
  writeIpv4(h.dst, buf, offset + 16);
  writeU16(buf, offset + 10, internetChecksum(buf, offset, offset + IPV4_HEADER_LEN));
  return IPV4_HEADER_LEN;
}
