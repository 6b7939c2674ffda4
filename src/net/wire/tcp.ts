/** TCP header (RFC 9293) with its options. */
import { readU16, readU32, writeU16, writeU32, placeBytes } from './bytes.js';
import { onesComplementSum, pseudoHeaderSum } from './checksum.js';
import { IPPROTO_TCP } from './ipv4.js';
import type { TcpDropReason } from './reasons.js';
import { emitTcpOptions, parseTcpOptions, tcpOptionsLength, type TcpOptions } from './tcp-options.js';

export {
  TCP_OPT_EOL,
  TCP_OPT_NOP,
  TCP_OPT_MSS,
  TCP_OPT_WINDOW_SCALE,
  TCP_OPT_SACK_PERMITTED,
  TCP_OPT_SACK,
  TCP_OPT_TIMESTAMPS,
  TCP_MAX_OPTIONS_LEN,
  TCP_MAX_SACK_BLOCKS,
  parseTcpOptions,
  emitTcpOptions,
  tcpOptionsLength,
  tcpSackBlocksSent,
} from './tcp-options.js';
export type { TcpOptions } from './tcp-options.js';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;
export const TCP_HEADER_LEN = 20;

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  /** Unsigned 32-bit. */
  seq: number;
  ack: number;
  /** The eight flag bits (TCP_FIN ... TCP_CWR). */
  flags: number;
  /** As on the wire, not scaled. */
  window: number;
  urgent: number;
  headerLength: number;
  options: TcpOptions;
  /** A view into the input. */
  payload: Uint8Array;
}

/** What emitTcp needs: a segment without the parts it derives. */
export type TcpSegmentFields = Omit<TcpSegment, 'headerLength' | 'payload'>;

/** Parses a TCP segment (the whole IPv4 payload) sent from `src` to `dst`. */
export function parseTcp(buf: Uint8Array, src: number, dst: number, verifyChecksum = true): TcpSegment | TcpDropReason {
  if (buf.length < TCP_HEADER_LEN) return 'tcp-truncated';
  const headerLength = (buf[12] >> 4) * 4;
  if (headerLength < TCP_HEADER_LEN || headerLength > buf.length) return 'tcp-bad-header-length';
  if (verifyChecksum && onesComplementSum(buf, 0, buf.length, pseudoHeaderSum(src, dst, IPPROTO_TCP, buf.length)) !== 0xffff) {
    return 'tcp-bad-checksum';
  }
  const options: TcpOptions = {};
  if (headerLength > TCP_HEADER_LEN && !parseTcpOptions(buf, TCP_HEADER_LEN, headerLength, options)) return 'tcp-bad-option';
  return {
    srcPort: readU16(buf, 0),
    dstPort: readU16(buf, 2),
    seq: readU32(buf, 4),
    ack: readU32(buf, 8),
    flags: buf[13],
    window: readU16(buf, 14),
    urgent: readU16(buf, 18),
    headerLength,
    options,
    payload: buf.subarray(headerLength),
  };
}

/** Header bytes emitTcp writes for these options (20 + options). */
export function tcpHeaderLength(options: TcpOptions): number {
  return TCP_HEADER_LEN + tcpOptionsLength(options);
}

/**
 * Writes header, options, payload (copied unless already in place) and the checksum over
 * the pseudo-header from `src` to `dst`; returns the segment length.
 */
export function emitTcp(seg: TcpSegmentFields, payload: Uint8Array, src: number, dst: number, buf: Uint8Array, offset: number): number {
  writeU16(buf, offset, seg.srcPort);
  writeU16(buf, offset + 2, seg.dstPort);
  writeU32(buf, offset + 4, seg.seq);
  writeU32(buf, offset + 8, seg.ack);
  const headerLength = TCP_HEADER_LEN + emitTcpOptions(seg.options, buf, offset + TCP_HEADER_LEN);
  buf[offset + 12] = (headerLength >> 2) << 4;
  buf[offset + 13] = seg.flags;
  writeU16(buf, offset + 14, seg.window);
  writeU16(buf, offset + 16, 0);
  writeU16(buf, offset + 18, seg.urgent);
  placeBytes(payload, buf, offset + headerLength);
  const length = headerLength + payload.length;
  const sum = onesComplementSum(buf, offset, offset + length, pseudoHeaderSum(src, dst, IPPROTO_TCP, length));
  writeU16(buf, offset + 16, ~sum & 0xffff);
  return length;
}

/** Sequence space the segment occupies: its data plus one each for SYN and FIN. */
export function seqLen(seg: Pick<TcpSegment, 'flags' | 'payload'>): number {
  return seg.payload.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0);
}
