/**
 * TCP options: MSS (RFC 9293), window scale and timestamps (RFC 7323), SACK (RFC 2018).
 * Emitted in Linux's 4-byte-aligned layout, so no trailing padding is ever needed:
 *   MSS            02 04 mm mm
 *   window scale   01 03 03 ws
 *   SACK-permitted 01 01 04 02           (or 04 02 in front of timestamps)
 *   timestamps     01 01 08 0a tsval tsecr
 *   SACK           01 01 05 len  left right ...
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';

export const TCP_OPT_EOL = 0;
export const TCP_OPT_NOP = 1;
export const TCP_OPT_MSS = 2;
export const TCP_OPT_WINDOW_SCALE = 3;
export const TCP_OPT_SACK_PERMITTED = 4;
export const TCP_OPT_SACK = 5;
export const TCP_OPT_TIMESTAMPS = 8;
/** The data offset field allows 60 header bytes: 40 of options. */
export const TCP_MAX_OPTIONS_LEN = 40;
/** RFC 2018 allows at most 4 blocks (34 bytes). */
export const TCP_MAX_SACK_BLOCKS = 4;

export interface TcpOptions {
  mss?: number;
  /** As received; RFC 7323 §2.3 says to use 14 when a peer sends more — the caller's job. */
  windowScale?: number;
  sackPermitted?: boolean;
  /** Flat [left0, right0, left1, right1, ...], unsigned 32-bit sequence numbers. */
  sackBlocks?: number[];
  tsVal?: number;
  tsEcr?: number;
}

/**
 * Parses `buf[start..end)` into `out`. Returns false for a malformed option: a length
 * below 2, one running past the header, or a known kind with the wrong length. Unknown
 * kinds are skipped by their length; a repeated option overwrites the earlier one.
 */
export function parseTcpOptions(buf: Uint8Array, start: number, end: number, out: TcpOptions): boolean {
  let i = start;
  // Every pass advances i by at least 1, so the loop ends within (end - start) passes.
  while (i < end) {
    const kind = buf[i];
    if (kind === TCP_OPT_EOL) break;
    if (kind === TCP_OPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) return false;
    const len = buf[i + 1];
    if (len < 2 || i + len > end) return false;
    switch (kind) {
      case TCP_OPT_MSS:
        if (len !== 4) return false;
        out.mss = readU16(buf, i + 2);
        break;
      case TCP_OPT_WINDOW_SCALE:
        if (len !== 3) return false;
        out.windowScale = buf[i + 2];
        break;
      case TCP_OPT_SACK_PERMITTED:
        if (len !== 2) return false;
        out.sackPermitted = true;
        break;
      case TCP_OPT_SACK: {
        const blocks = (len - 2) >> 3;
        if ((len - 2) % 8 !== 0 || blocks < 1 || blocks > TCP_MAX_SACK_BLOCKS) return false;
        const edges: number[] = [];
        for (let b = 0; b < blocks * 2; b++) edges.push(readU32(buf, i + 2 + b * 4));
        out.sackBlocks = edges;
        break;
      }
      case TCP_OPT_TIMESTAMPS:
        if (len !== 10) return false;
        out.tsVal = readU32(buf, i + 2);
        out.tsEcr = readU32(buf, i + 6);
        break;
      default:
        break;
    }
    i += len;
  }
  return true;
}

/** Bytes each part takes in the emitted layout. */
const MSS_LEN = 4;
const WINDOW_SCALE_LEN = 4;
const SACK_PERMITTED_LEN = 4;
const TIMESTAMPS_LEN = 12;
const SACK_HEADER_LEN = 4;
const SACK_BLOCK_LEN = 8;

function hasTimestamps(o: TcpOptions): boolean {
  return o.tsVal !== undefined;
}

/** Length of everything but the SACK blocks. */
function fixedOptionsLength(o: TcpOptions): number {
  let n = 0;
  if (o.mss !== undefined) n += MSS_LEN;
  if (o.windowScale !== undefined) n += WINDOW_SCALE_LEN;
  const ts = hasTimestamps(o);
  if (ts) n += TIMESTAMPS_LEN;
  // SACK-permitted rides in the two NOP bytes in front of the timestamps when both are sent.
  if (o.sackPermitted === true && !ts) n += SACK_PERMITTED_LEN;
  return n;
}

/**
 * How many SACK blocks are sent: those asked for, up to 4 and up to what fits in 40
 * bytes beside the other options (3 with timestamps, as Linux). The first blocks are kept,
 * because RFC 2018 puts the most recent one first.
 */
export function tcpSackBlocksSent(o: TcpOptions): number {
  const wanted = o.sackBlocks === undefined ? 0 : Math.min(o.sackBlocks.length >> 1, TCP_MAX_SACK_BLOCKS);
  if (wanted === 0) return 0;
  const room = Math.floor((TCP_MAX_OPTIONS_LEN - fixedOptionsLength(o) - SACK_HEADER_LEN) / SACK_BLOCK_LEN);
  return Math.max(0, Math.min(wanted, room));
}

/** Bytes of options emitTcpOptions writes: a multiple of 4, at most 40. */
export function tcpOptionsLength(o: TcpOptions): number {
  const blocks = tcpSackBlocksSent(o);
  return fixedOptionsLength(o) + (blocks > 0 ? SACK_HEADER_LEN + blocks * SACK_BLOCK_LEN : 0);
}

/** Writes the options at `offset`; returns tcpOptionsLength(o). */
export function emitTcpOptions(o: TcpOptions, buf: Uint8Array, offset: number): number {
  let p = offset;
  if (o.mss !== undefined) {
    buf[p] = TCP_OPT_MSS;
    buf[p + 1] = 4;
    writeU16(buf, p + 2, o.mss);
    p += MSS_LEN;
  }
  if (o.windowScale !== undefined) {
    buf[p] = TCP_OPT_NOP;
    buf[p + 1] = TCP_OPT_WINDOW_SCALE;
    buf[p + 2] = 3;
    buf[p + 3] = o.windowScale;
    p += WINDOW_SCALE_LEN;
  }
  const ts = hasTimestamps(o);
  if (o.sackPermitted === true) {
    if (ts) {
      buf[p] = TCP_OPT_SACK_PERMITTED;
      buf[p + 1] = 2;
      p += 2;
    } else {
      buf[p] = TCP_OPT_NOP;
      buf[p + 1] = TCP_OPT_NOP;
      buf[p + 2] = TCP_OPT_SACK_PERMITTED;
      buf[p + 3] = 2;
      p += SACK_PERMITTED_LEN;
    }
  } else if (ts) {
    buf[p] = TCP_OPT_NOP;
    buf[p + 1] = TCP_OPT_NOP;
    p += 2;
  }
  if (ts) {
    buf[p] = TCP_OPT_TIMESTAMPS;
    buf[p + 1] = 10;
    writeU32(buf, p + 2, o.tsVal ?? 0);
    writeU32(buf, p + 6, o.tsEcr ?? 0);
    p += 10;
  }
  const blocks = tcpSackBlocksSent(o);
  if (blocks > 0) {
    const edges = o.sackBlocks as number[];
    buf[p] = TCP_OPT_NOP;
    buf[p + 1] = TCP_OPT_NOP;
    buf[p + 2] = TCP_OPT_SACK;
    buf[p + 3] = 2 + blocks * SACK_BLOCK_LEN;
    p += SACK_HEADER_LEN;
    for (let e = 0; e < blocks * 2; e++, p += 4) writeU32(buf, p, edges[e]);
  }
  return p - offset;
}
