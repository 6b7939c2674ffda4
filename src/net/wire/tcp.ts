/** TCP header (RFC 9293) with its options. */
import { placeBytes, readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { copyAndSum, hasCopyChecksumAccelerator, onesComplementSum, pseudoHeaderSum } from './checksum.js';
import { IPPROTO_TCP } from './ipv4.js';
import {
  DROP_TCP_BAD_CHECKSUM, DROP_TCP_BAD_HEADER_LENGTH, DROP_TCP_BAD_OPTION, DROP_TCP_TRUNCATED, dropReasonName, type TcpDropReason,
} from './reasons.js';
import {
  H_TCP_ACK, H_TCP_CODE, H_TCP_DST_PORT, H_TCP_FLAGS, H_TCP_HEADER_LENGTH, H_TCP_SEQ, H_TCP_SRC_PORT, H_TCP_URGENT, H_TCP_WINDOW,
} from './header-record.js';
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

const NO_BYTES = new Uint8Array(0);

/**
 * A received segment as the receive path passes it on, filled in place by `readTcp` (one
 * reused for every segment, valid only until the next). Its `options` object is reused
 * too, and `payload` is a view kept from the previous segment when that lay at the same
 * place of the same buffer (a driver with a fixed receive buffer), so that a steady
 * stream of segments allocates nothing.
 */
export class TcpSegmentInput implements TcpSegment {
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  urgent = 0;
  headerLength = 0;
  readonly options: TcpOptions = {
    mss: undefined, windowScale: undefined, sackPermitted: undefined, sackBlocks: undefined, tsVal: undefined, tsEcr: undefined,
  };
  payload: Uint8Array = NO_BYTES;
  private viewBuffer: ArrayBufferLike = NO_BYTES.buffer;
  private viewAt = 0;

  /**
   * Points `payload` at buf[start..end), reusing the last view when it covers the same
   * bytes of the same ArrayBuffer (drivers may hand each frame in a new view of one buffer).
   */
  setPayload(buf: Uint8Array, start: number, end: number): void {
    const at = buf.byteOffset + start;
    if (this.viewBuffer === buf.buffer && this.viewAt === at && this.payload.length === end - start) return;
    this.payload = start === end ? NO_BYTES : buf.subarray(start, end);
    this.viewBuffer = buf.buffer;
    this.viewAt = at;
  }
}

/**
 * Reads and verifies the TCP segment in `buf[start..end)` (the whole IPv4 payload), sent
 * from `src` to `dst`, into `out`. Returns 0, or the drop code (reasons.ts) of what is
 * wrong; `out` is then partly written.
 */
export function readTcp(buf: Uint8Array, start: number, end: number, src: number, dst: number, out: TcpSegmentInput, verifyChecksum = true): number {
  const length = end - start;
  if (length < TCP_HEADER_LEN) return DROP_TCP_TRUNCATED;
  const headerLength = (buf[start + 12] >> 4) * 4;
  if (headerLength < TCP_HEADER_LEN || headerLength > length) return DROP_TCP_BAD_HEADER_LENGTH;
  if (verifyChecksum && onesComplementSum(buf, start, end, pseudoHeaderSum(src, dst, IPPROTO_TCP, length)) !== 0xffff) {
    return DROP_TCP_BAD_CHECKSUM;
  }
  if (!readOptions(buf, start, headerLength, out.options)) return DROP_TCP_BAD_OPTION;
  out.srcPort = readU16(buf, start);
  out.dstPort = readU16(buf, start + 2);
  out.seq = readU32(buf, start + 4);
  out.ack = readU32(buf, start + 8);
  out.flags = buf[start + 13];
  out.window = readU16(buf, start + 14);
  out.urgent = readU16(buf, start + 18);
  return setLength(out, headerLength, buf, start, end);
}

/** The header length and the payload's view; returns 0 (the readers' success). */
function setLength(out: TcpSegmentInput, headerLength: number, buf: Uint8Array, start: number, end: number): number {
  out.headerLength = headerLength;
  out.setPayload(buf, start + headerLength, end);
  return 0;
}

/** Clears `o` and reads the options of the header at buf[start] into it; false when malformed. */
function readOptions(buf: Uint8Array, start: number, headerLength: number, o: TcpOptions): boolean {
  o.mss = o.windowScale = o.tsVal = o.tsEcr = undefined;
  o.sackPermitted = undefined;
  o.sackBlocks = undefined;
  return headerLength === TCP_HEADER_LEN || parseTcpOptions(buf, start + TCP_HEADER_LEN, start + headerLength, o);
}

/**
 * `readTcp` for a segment whose header the native frame reader has read and verified into
 * `record` (header-record.ts): the same result, the options still parsed here.
 */
export function readTcpRecord(record: Uint32Array, buf: Uint8Array, start: number, end: number, out: TcpSegmentInput): number {
  const code = record[H_TCP_CODE];
  if (code !== 0) return code;
  const headerLength = record[H_TCP_HEADER_LENGTH];
  if (!readOptions(buf, start, headerLength, out.options)) return DROP_TCP_BAD_OPTION;
  out.srcPort = record[H_TCP_SRC_PORT];
  out.dstPort = record[H_TCP_DST_PORT];
  out.seq = record[H_TCP_SEQ];
  out.ack = record[H_TCP_ACK];
  out.flags = record[H_TCP_FLAGS];
  out.window = record[H_TCP_WINDOW];
  out.urgent = record[H_TCP_URGENT];
  return setLength(out, headerLength, buf, start, end);
}

/** `readTcp` into a fresh segment, or the drop reason's name (tools and tests). */
export function parseTcp(buf: Uint8Array, src: number, dst: number, verifyChecksum = true): TcpSegment | TcpDropReason {
  const seg = new TcpSegmentInput();
  const code = readTcp(buf, 0, buf.length, src, dst, seg, verifyChecksum);
  if (code !== 0) return dropReasonName(code) as TcpDropReason;
  const options: TcpOptions = {};
  const o = seg.options;
  if (o.mss !== undefined) options.mss = o.mss;
  if (o.windowScale !== undefined) options.windowScale = o.windowScale;
  if (o.sackPermitted !== undefined) options.sackPermitted = o.sackPermitted;
  if (o.sackBlocks !== undefined) options.sackBlocks = o.sackBlocks;
  if (o.tsVal !== undefined) options.tsVal = o.tsVal;
  if (o.tsEcr !== undefined) options.tsEcr = o.tsEcr;
  return {
    srcPort: seg.srcPort, dstPort: seg.dstPort, seq: seg.seq, ack: seg.ack, flags: seg.flags,
    window: seg.window, urgent: seg.urgent, headerLength: seg.headerLength, options, payload: buf.subarray(seg.headerLength),
  };
}

/** Header bytes emitTcp writes for these options (20 + options). */
export function tcpHeaderLength(options: TcpOptions): number {
  return TCP_HEADER_LEN + tcpOptionsLength(options);
}

/**
 * Writes header, options, payload (copied unless already in place, summed as it is
 * copied) and the checksum over the pseudo-header from `src` to `dst`; returns the
 * segment length.
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
  const length = headerLength + payload.length;
  // No locals beyond the original two: emitTcp sits at the bottom of the deepest call
  // chain, which Moddable's XS stack (creation.stack) must hold.
  let sum = pseudoHeaderSum(src, dst, IPPROTO_TCP, length);
  if (hasCopyChecksumAccelerator() && payload.length > 0
    && !(payload.buffer === buf.buffer && payload.byteOffset === buf.byteOffset + offset + headerLength)) {
    // One native pass copies and sums the payload; the header length is a multiple of 4,
    // so the payload's words line up with the segment's and the two sums add.
    sum = onesComplementSum(buf, offset, offset + headerLength, copyAndSum(buf, offset + headerLength, payload, 0, payload.length, sum));
  } else {
    placeBytes(payload, buf, offset + headerLength);
    sum = onesComplementSum(buf, offset, offset + length, sum);
  }
  writeU16(buf, offset + 16, ~sum & 0xffff);
  return length;
}

/** Sequence space the segment occupies: its data plus one each for SYN and FIN. */
export function seqLen(seg: Pick<TcpSegment, 'flags' | 'payload'>): number {
  return seg.payload.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0);
}
