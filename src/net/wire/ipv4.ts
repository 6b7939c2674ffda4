/** IPv4 header (RFC 791). Options are passed through as bytes, never interpreted. */
import { readU16, writeU16 } from './bytes.js';
import { internetChecksum, onesComplementSum } from './checksum.js';
import { ipv4FromBytes, writeIpv4 } from './ipv4-address.js';
import {
  H_IP_DST, H_IP_FRAGMENT_WORD, H_IP_HEADER_LENGTH, H_IP_IDENT, H_IP_PROTOCOL, H_IP_SRC, H_IP_TOS, H_IP_TOTAL_LENGTH, H_IP_TTL,
  H_TCP_CODE, TCP_NOT_READ,
} from './header-record.js';
import {
  DROP_IPV4_BAD_CHECKSUM, DROP_IPV4_BAD_HEADER_LENGTH, DROP_IPV4_BAD_TOTAL_LENGTH, DROP_IPV4_BAD_VERSION, DROP_IPV4_TRUNCATED,
  dropReasonName, type Ipv4DropReason,
} from './reasons.js';

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

/** The header fields of a received datagram. */
export interface Ipv4Fields {
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
}

export interface Ipv4Packet extends Ipv4Fields {
  /** Option bytes (headerLength - 20 of them), a view into the input. */
  options: Uint8Array;
  /** A view ending at totalLength: Ethernet padding after the datagram is not included. */
  payload: Uint8Array;
}

const NO_BYTES = new Uint8Array(0);

/**
 * A received datagram as the receive path passes it on: header fields and where its
 * payload lies in `buf`, filled in place by `readIpv4` (one per interface, reused for
 * every frame, so valid only until the next one).
 */
export class Ipv4Input implements Ipv4Fields {
  src = 0;
  dst = 0;
  protocol = 0;
  ttl = 0;
  tos = 0;
  ident = 0;
  dontFragment = false;
  moreFragments = false;
  fragmentOffset = 0;
  headerLength = 0;
  totalLength = 0;
  /** The frame holding the datagram; the payload is buf[payloadStart..payloadEnd). */
  buf: Uint8Array = NO_BYTES;
  payloadStart = 0;
  payloadEnd = 0;
  /**
   * The native reader's header record when it has also read the TCP header of this
   * datagram (readTcpRecord takes it from there), else null.
   */
  headers: Uint32Array | null = null;
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
 * Reads and validates the IPv4 header at `buf[start]`, the datagram ending by `end` at
 * the latest, into `out`. Returns 0, or the drop code (reasons.ts) of what is wrong; `out`
 * is then partly written. Allocates nothing. Fragments are reported, not rejected: the
 * interface decides what to do with them (see isFragment).
 */
export function readIpv4(buf: Uint8Array, start: number, end: number, out: Ipv4Input, verifyChecksum = true): number {
  const available = end - start;
  if (available < IPV4_HEADER_LEN) return DROP_IPV4_TRUNCATED;
  if (buf[start] >> 4 !== 4) return DROP_IPV4_BAD_VERSION;
  const headerLength = (buf[start] & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LEN || headerLength > available) return DROP_IPV4_BAD_HEADER_LENGTH;
  const totalLength = readU16(buf, start + 2);
  if (totalLength < headerLength || totalLength > available) return DROP_IPV4_BAD_TOTAL_LENGTH;
  // A correct header, its checksum included, sums to 0xffff (one's-complement zero).
  if (verifyChecksum && onesComplementSum(buf, start, start + headerLength) !== 0xffff) return DROP_IPV4_BAD_CHECKSUM;
  out.src = ipv4FromBytes(buf, start + 12);
  out.dst = ipv4FromBytes(buf, start + 16);
  out.protocol = buf[start + 9];
  out.ttl = buf[start + 8];
  out.tos = buf[start + 1];
  out.ident = readU16(buf, start + 4);
  setLayout(out, readU16(buf, start + 6), headerLength, totalLength, buf, start);
  return 0;
}

/** The fragment fields and where the datagram and its payload lie. */
function setLayout(out: Ipv4Input, fragmentWord: number, headerLength: number, totalLength: number, buf: Uint8Array, start: number): void {
  out.dontFragment = (fragmentWord & FLAG_DONT_FRAGMENT) !== 0;
  out.moreFragments = (fragmentWord & FLAG_MORE_FRAGMENTS) !== 0;
  out.fragmentOffset = (fragmentWord & FRAGMENT_OFFSET_MASK) * 8;
  out.headerLength = headerLength;
  out.totalLength = totalLength;
  out.buf = buf;
  out.payloadStart = start + headerLength;
  out.payloadEnd = start + totalLength;
}

/**
 * What `readIpv4` writes into `out`, taken from a header record the native frame reader
 * filled (header-record.ts) for the datagram at buf[start].
 */
export function readIpv4Record(record: Uint32Array, buf: Uint8Array, start: number, out: Ipv4Input): void {
  out.src = record[H_IP_SRC];
  out.dst = record[H_IP_DST];
  out.protocol = record[H_IP_PROTOCOL];
  out.ttl = record[H_IP_TTL];
  out.tos = record[H_IP_TOS];
  out.ident = record[H_IP_IDENT];
  setLayout(out, record[H_IP_FRAGMENT_WORD], record[H_IP_HEADER_LENGTH], record[H_IP_TOTAL_LENGTH], buf, start);
  out.headers = record[H_TCP_CODE] === TCP_NOT_READ ? null : record;
}

/** `readIpv4` into a fresh object with views, or the drop reason's name (tools and tests). */
export function parseIpv4(buf: Uint8Array, verifyChecksum = true): Ipv4Packet | Ipv4DropReason {
  const r = new Ipv4Input();
  const code = readIpv4(buf, 0, buf.length, r, verifyChecksum);
  if (code !== 0) return dropReasonName(code) as Ipv4DropReason;
  return {
    src: r.src, dst: r.dst, protocol: r.protocol, ttl: r.ttl, tos: r.tos, ident: r.ident,
    dontFragment: r.dontFragment, moreFragments: r.moreFragments, fragmentOffset: r.fragmentOffset,
    headerLength: r.headerLength, totalLength: r.totalLength,
    options: buf.subarray(IPV4_HEADER_LEN, r.headerLength),
    payload: buf.subarray(r.payloadStart, r.payloadEnd),
  };
}

/** True for any piece of a fragmented datagram (more to come, or not the first piece). */
export function isFragment(p: Pick<Ipv4Packet, 'moreFragments' | 'fragmentOffset'>): boolean {
  return p.moreFragments || p.fragmentOffset !== 0;
}

/**
 * Writes a 20-byte header (no options) for a payload of `payloadLength` bytes, checksum
 * filled; returns 20. The payload itself is the caller's to place after it. The send
 * path passes one reused header object, so a send allocates nothing.
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
