/**
 * The receive path's readers: readIpv4 and readTcp fill reused records in place, agree
 * with the convenience parsers, report numeric drop codes, clear options a previous
 * segment carried, and hand out the same payload view for a segment at the same place.
 */
import { emitIpv4Header, Ipv4Input, parseIpv4, readIpv4 } from '../../src/net/wire/ipv4.js';
import { emitTcp, parseTcp, readTcp, TCP_ACK, TCP_SYN, TcpSegmentInput, type TcpOptions } from '../../src/net/wire/tcp.js';
import {
  DROP_IPV4_BAD_CHECKSUM, DROP_IPV4_BAD_TOTAL_LENGTH, DROP_IPV4_TRUNCATED, DROP_TCP_BAD_CHECKSUM, DROP_TCP_BAD_OPTION,
  DROP_TCP_TRUNCATED, dropReasonName,
} from '../../src/net/wire/reasons.js';
import { ArpCache, ARP_DEFAULTS } from '../../src/net/arp-cache.js';

const SRC = 0xc6120001;
const DST = 0xc6120002;

/** A frame: 14 bytes of Ethernet, IPv4, TCP with `options` and `payload`. */
function frame(payload: Uint8Array, options: TcpOptions = {}, flags = TCP_ACK, seq = 100): Uint8Array {
  const buf = new Uint8Array(14 + 20 + 60 + payload.length + 6); // 6 bytes of Ethernet padding
  const tcpLength = emitTcp({ srcPort: 4000, dstPort: 80, seq, ack: 7, flags, window: 512, urgent: 0, options }, payload, SRC, DST, buf, 34);
  emitIpv4Header({ src: SRC, dst: DST, protocol: 6, ttl: 64, tos: 0x10, ident: 9 }, tcpLength, buf, 14);
  return buf.subarray(0, 34 + tcpLength + 6);
}

describe('readIpv4', () => {
  it('fills the record in place with the fields parseIpv4 gives and the payload bounds', () => {
    const f = frame(new Uint8Array([1, 2, 3]));
    const ip = new Ipv4Input();
    expect(readIpv4(f, 14, f.length, ip)).toBe(0);
    const parsed = parseIpv4(f.subarray(14));
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(ip).toMatchObject({ src: SRC, dst: DST, protocol: 6, ttl: 64, tos: 0x10, ident: 9, headerLength: 20, totalLength: parsed.totalLength });
    expect(ip.buf).toBe(f);
    // The payload ends at the total length: the Ethernet padding is not part of it.
    expect(f.subarray(ip.payloadStart, ip.payloadEnd)).toEqual(parsed.payload);
    expect(ip.payloadEnd).toBe(f.length - 6);
  });

  it('returns numeric drop codes whose names parseIpv4 returns', () => {
    const ip = new Ipv4Input();
    const f = frame(new Uint8Array(4));
    expect(readIpv4(f, 14, 14 + 19, ip)).toBe(DROP_IPV4_TRUNCATED);
    expect(readIpv4(f, 14, 14 + 30, ip)).toBe(DROP_IPV4_BAD_TOTAL_LENGTH);
    f[14 + 8] ^= 1; // TTL changed, checksum not
    expect(readIpv4(f, 14, f.length, ip)).toBe(DROP_IPV4_BAD_CHECKSUM);
    expect(parseIpv4(f.subarray(14))).toBe(dropReasonName(DROP_IPV4_BAD_CHECKSUM));
    expect(readIpv4(f, 14, f.length, ip, false)).toBe(0);
  });
});

describe('readTcp', () => {
  function read(f: Uint8Array, seg: TcpSegmentInput): number {
    const ip = new Ipv4Input();
    expect(readIpv4(f, 14, f.length, ip)).toBe(0);
    return readTcp(f, ip.payloadStart, ip.payloadEnd, SRC, DST, seg);
  }

  it('fills the reused segment with what parseTcp returns', () => {
    const f = frame(new Uint8Array([9, 8, 7]), { mss: 1460, windowScale: 7, sackPermitted: true, tsVal: 5, tsEcr: 6 }, TCP_SYN | TCP_ACK);
    const seg = new TcpSegmentInput();
    expect(read(f, seg)).toBe(0);
    const parsed = parseTcp(f.subarray(34, f.length - 6), SRC, DST);
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(seg).toMatchObject({ srcPort: 4000, dstPort: 80, seq: 100, ack: 7, flags: TCP_SYN | TCP_ACK, window: 512, headerLength: parsed.headerLength });
    expect(seg.options).toMatchObject(parsed.options);
    expect(Array.from(seg.payload)).toEqual([9, 8, 7]);
  });

  it('forgets the options of the previous segment', () => {
    const seg = new TcpSegmentInput();
    expect(read(frame(new Uint8Array(0), { mss: 536, tsVal: 1, tsEcr: 2, sackBlocks: [1, 2] }, TCP_SYN), seg)).toBe(0);
    expect(seg.options.mss).toBe(536);
    expect(read(frame(new Uint8Array(1)), seg)).toBe(0);
    expect(seg.options.mss).toBeUndefined();
    expect(seg.options.tsVal).toBeUndefined();
    expect(seg.options.sackBlocks).toBeUndefined();
  });

  it('keeps the payload view for a segment at the same place of the same buffer, and only then', () => {
    const seg = new TcpSegmentInput();
    const f = frame(new Uint8Array(100).fill(1));
    expect(read(f, seg)).toBe(0);
    const first = seg.payload;
    f[34 + 7] = 200; // another sequence number, same place (checksum not checked below)
    expect(readTcp(f, 34, f.length - 6, SRC, DST, seg, false)).toBe(0);
    expect(seg.payload).toBe(first);
    expect(seg.seq).toBe(200);
    // A new view of the same bytes (a driver with one receive buffer) keeps it too.
    const again = new Uint8Array(f.buffer, f.byteOffset, f.length);
    expect(readTcp(again, 34, again.length - 6, SRC, DST, seg, false)).toBe(0);
    expect(seg.payload).toBe(first);
    const other = frame(new Uint8Array(100).fill(2));
    expect(read(other, seg)).toBe(0);
    expect(seg.payload).not.toBe(first);
    expect(seg.payload[0]).toBe(2);
    const shorter = frame(new Uint8Array(50).fill(3));
    expect(read(shorter, seg)).toBe(0);
    expect(seg.payload.length).toBe(50);
    expect(read(frame(new Uint8Array(0)), seg)).toBe(0);
    expect(seg.payload.length).toBe(0);
  });

  it('returns numeric drop codes', () => {
    const seg = new TcpSegmentInput();
    const f = frame(new Uint8Array(3));
    expect(readTcp(f, 34, 34 + 19, SRC, DST, seg)).toBe(DROP_TCP_TRUNCATED);
    f[34 + 20 + 1] ^= 0x40; // a payload byte
    expect(readTcp(f, 34, f.length - 6, SRC, DST, seg)).toBe(DROP_TCP_BAD_CHECKSUM);
    const bad = frame(new Uint8Array(0), { mss: 1460 });
    bad[34 + 21] = 3; // MSS option with length 3
    expect(readTcp(bad, 34, bad.length - 6, SRC, DST, seg, false)).toBe(DROP_TCP_BAD_OPTION);
  });
});

describe('ArpCache.refresh', () => {
  const mac = new Uint8Array([0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 9]); // the sender MAC at offset 6
  it('moves the deadline of a resolved entry whose MAC matches, and nothing else', () => {
    const cache = new ArpCache(ARP_DEFAULTS);
    expect(cache.refresh(SRC, mac, 6, 0)).toBe(false); // unknown: the caller learns it
    cache.learn(SRC, mac.subarray(6), 0, true);
    const deadline = cache.find(SRC)!.deadline;
    expect(cache.refresh(SRC, mac, 6, 1000)).toBe(true);
    expect(cache.find(SRC)!.deadline).toBe(deadline + 1000);
    const moved = mac.slice();
    moved[11] = 10;
    expect(cache.refresh(SRC, moved, 6, 2000)).toBe(false); // a new MAC: the caller learns it
    expect(cache.find(SRC)!.deadline).toBe(deadline + 1000);
    cache.startResolution(DST, undefined, 0);
    expect(cache.refresh(DST, mac, 6, 0)).toBe(false); // still resolving: learning completes it
  });
});
