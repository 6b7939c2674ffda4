/**
 * Mutations of captured frames, as fast-check values: raw byte changes, cuts and
 * extensions, header fields of IPv4 and TCP set to chosen values, and sequence/ack numbers
 * placed near what a live socket expects (so mutated segments reach the in-window code
 * instead of being dropped at the first check). Checksums are optionally recomputed, since
 * a frame with a wrong checksum only tests the checksum test.
 */
import fc from 'fast-check';
import { internetChecksum, pseudoHeaderSum } from '../src/net/wire/checksum.js';
import { readU16, writeU16, writeU32 } from '../src/net/wire/bytes.js';

const ETH = 14;
const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;

/** Header fields a mutation can set, with the offset (from the IPv4 or TCP header) and width. */
export const FIELDS = {
  'ip.vihl': { layer: 'ip', at: 0, bytes: 1 },
  'ip.tos': { layer: 'ip', at: 1, bytes: 1 },
  'ip.length': { layer: 'ip', at: 2, bytes: 2 },
  'ip.fragment': { layer: 'ip', at: 6, bytes: 2 },
  'ip.ttl': { layer: 'ip', at: 8, bytes: 1 },
  'ip.protocol': { layer: 'ip', at: 9, bytes: 1 },
  'ip.src': { layer: 'ip', at: 12, bytes: 4 },
  'ip.dst': { layer: 'ip', at: 16, bytes: 4 },
  'tcp.srcPort': { layer: 'tcp', at: 0, bytes: 2 },
  'tcp.dstPort': { layer: 'tcp', at: 2, bytes: 2 },
  'tcp.seq': { layer: 'tcp', at: 4, bytes: 4 },
  'tcp.ack': { layer: 'tcp', at: 8, bytes: 4 },
  'tcp.offset': { layer: 'tcp', at: 12, bytes: 1 },
  'tcp.flags': { layer: 'tcp', at: 13, bytes: 1 },
  'tcp.window': { layer: 'tcp', at: 14, bytes: 2 },
  'tcp.urgent': { layer: 'tcp', at: 18, bytes: 2 },
} as const;
export type FieldName = keyof typeof FIELDS;

export type Mutation =
  | { op: 'byte'; at: number; value: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'truncate'; length: number }
  | { op: 'extend'; bytes: number[] }
  | { op: 'field'; field: FieldName; value: number }
  /** seq := live RCV.NXT + delta, or ack := live SND.NXT + delta (and the frame addressed to that socket). */
  | { op: 'near'; field: 'seq' | 'ack'; delta: number }
  /** seq := live RCV.NXT and ack := live SND.NXT: the segment continues the connection. */
  | { op: 'sync' };

/** What a target knows about one of its live connections, for `near` mutations. */
export interface LiveConnection {
  peerAddress: number;
  peerPort: number;
  localPort: number;
  rcvNxt: number;
  sndNxt: number;
}

export interface FrameCase {
  /** Index into the corpus (taken modulo its size). */
  base: number;
  mutations: Mutation[];
  /** Recompute the IPv4, TCP and ICMP checksums after mutating. */
  fix: boolean;
  /** Virtual milliseconds that pass after the frame (timers run). */
  advanceMs: number;
}

const interesting32 = fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe);
const delta = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.integer({ min: -70_000, max: 70_000 }),
  fc.constantFrom(0x7fffffff, -0x7fffffff, 0x80000000),
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('byte' as const), at: fc.nat(1600), value: fc.nat(255) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.nat(1600), bit: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), length: fc.nat(1514) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('extend' as const), bytes: fc.array(fc.nat(255), { maxLength: 64 }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('field' as const),
      field: fc.constantFrom(...(Object.keys(FIELDS) as FieldName[])),
      value: fc.oneof(fc.nat(0xff), fc.nat(0xffff), interesting32, fc.nat({ max: 0xffffffff })),
    }),
  },
  { weight: 8, arbitrary: fc.constant({ op: 'sync' as const }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('near' as const), field: fc.constantFrom('seq' as const, 'ack' as const), delta }) },
);

export function frameCaseArb(maxMutations = 4): fc.Arbitrary<FrameCase> {
  return fc.record({
    base: fc.nat(10_000),
    mutations: fc.array(mutationArb, { maxLength: maxMutations }),
    // Mostly recomputed: a wrong checksum only exercises the checksum test.
    fix: fc.constantFrom(true, true, true, false),
    advanceMs: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 500 }) }, { weight: 1, arbitrary: fc.integer({ min: 500, max: 130_000 }) }),
  });
}

function ipHeaderLength(f: Uint8Array): number {
  return f.length >= ETH + 20 && readU16(f, 12) === 0x0800 ? (f[ETH] & 0x0f) * 4 : 0;
}

function writeField(f: Uint8Array, at: number, bytes: number, value: number): void {
  if (at + bytes > f.length) return;
  if (bytes === 1) f[at] = value & 0xff;
  else if (bytes === 2) writeU16(f, at, value & 0xffff);
  else writeU32(f, at, value >>> 0);
}

function tcpOffset(f: Uint8Array): number {
  const ihl = ipHeaderLength(f);
  return ihl >= 20 && f[ETH + 9] === IPPROTO_TCP ? ETH + ihl : -1;
}

/** Applies the mutations to a copy of `base`; `live` gives a connection for `near` mutations. */
export function mutateFrame(base: Uint8Array, c: FrameCase, live: LiveConnection | undefined): Uint8Array {
  let f = base.slice();
  for (const m of c.mutations) {
    switch (m.op) {
      case 'byte':
        if (f.length > 0) f[m.at % f.length] = m.value;
        break;
      case 'flip':
        if (f.length > 0) f[m.at % f.length] ^= 1 << m.bit;
        break;
      case 'truncate':
        f = f.slice(0, Math.min(f.length, m.length));
        break;
      case 'extend': {
        const g = new Uint8Array(Math.min(f.length + m.bytes.length, 1514));
        g.set(f.subarray(0, g.length));
        for (let i = 0; f.length + i < g.length; i++) g[f.length + i] = m.bytes[i];
        f = g;
        break;
      }
      case 'field': {
        const d = FIELDS[m.field];
        const start = d.layer === 'ip' ? (ipHeaderLength(f) > 0 ? ETH : -1) : tcpOffset(f);
        if (start >= 0) writeField(f, start + d.at, d.bytes, m.value);
        break;
      }
      case 'near':
      case 'sync': {
        const t = tcpOffset(f);
        if (t < 0 || live === undefined || t + 20 > f.length) break;
        writeU32(f, ETH + 12, live.peerAddress);
        writeU16(f, t, live.peerPort);
        writeU16(f, t + 2, live.localPort);
        if (m.op === 'sync' || m.field === 'seq') writeU32(f, t + 4, (live.rcvNxt + (m.op === 'near' ? m.delta : 0)) >>> 0);
        if (m.op === 'sync' || m.field === 'ack') writeU32(f, t + 8, (live.sndNxt + (m.op === 'near' ? m.delta : 0)) >>> 0);
        break;
      }
    }
  }
  if (c.fix) fixChecksums(f);
  return f;
}

/** Recomputes the IPv4 header checksum and the TCP or ICMP checksum, as far as the lengths allow. */
export function fixChecksums(f: Uint8Array): void {
  const ihl = ipHeaderLength(f);
  if (ihl < 20 || ETH + ihl > f.length) return;
  writeU16(f, ETH + 10, 0);
  writeU16(f, ETH + 10, internetChecksum(f, ETH, ETH + ihl));
  const total = Math.min(readU16(f, ETH + 2), f.length - ETH);
  if (total < ihl) return;
  const start = ETH + ihl;
  const end = ETH + total;
  const protocol = f[ETH + 9];
  if (protocol === IPPROTO_TCP && end - start >= 20) {
    writeU16(f, start + 16, 0);
    const src = ((f[ETH + 12] << 24) | (f[ETH + 13] << 16) | (f[ETH + 14] << 8) | f[ETH + 15]) >>> 0;
    const dst = ((f[ETH + 16] << 24) | (f[ETH + 17] << 16) | (f[ETH + 18] << 8) | f[ETH + 19]) >>> 0;
    writeU16(f, start + 16, internetChecksum(f, start, end, pseudoHeaderSum(src, dst, IPPROTO_TCP, end - start)));
  } else if (protocol === IPPROTO_ICMP && end - start >= 8) {
    writeU16(f, start + 2, 0);
    writeU16(f, start + 2, internetChecksum(f, start, end));
  }
}

/** Hex of a frame, for findings and regression tests. */
export function toHex(f: Uint8Array): string {
  let s = '';
  for (const b of f) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}
