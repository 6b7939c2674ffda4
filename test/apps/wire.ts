/**
 * Reading TCP segments back from Ethernet frames (LAN observer events or pcap records),
 * for assertions about what crossed the wire.
 */
import { ETHERTYPE_IPV4, parseEthernet } from '../../src/net/wire/ethernet.js';
import { IPPROTO_TCP, parseIpv4 } from '../../src/net/wire/ipv4.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, parseTcp } from '../../src/net/wire/tcp.js';
import type { SimLan } from '../../hosts/sim/lan.js';

export interface WireSegment {
  t: number;
  src: number;
  dst: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Flag letters in the order S F R P A, e.g. 'FA'. */
  flags: string;
  flagBits: number;
  window: number;
  mss: number | undefined;
  length: number;
  payload: Uint8Array;
}

const LETTERS: [string, number][] = [['S', TCP_SYN], ['F', TCP_FIN], ['R', TCP_RST], ['P', TCP_PSH], ['A', TCP_ACK]];

export function flagLetters(flags: number): string {
  return LETTERS.filter(([, bit]) => flags & bit).map(([l]) => l).join('');
}

/** The TCP segment in an Ethernet frame, or undefined when it carries none (ARP, ICMP, bad checksum). */
export function tcpSegmentOf(frame: Uint8Array, t = 0): WireSegment | undefined {
  const eth = parseEthernet(frame);
  if (typeof eth === 'string' || eth.ethertype !== ETHERTYPE_IPV4) return undefined;
  const ip = parseIpv4(eth.payload);
  if (typeof ip === 'string' || ip.protocol !== IPPROTO_TCP) return undefined;
  const seg = parseTcp(ip.payload, ip.src, ip.dst, true);
  if (typeof seg === 'string') return undefined;
  return {
    t,
    src: ip.src,
    dst: ip.dst,
    srcPort: seg.srcPort,
    dstPort: seg.dstPort,
    seq: seg.seq,
    ack: seg.ack,
    flags: flagLetters(seg.flags),
    flagBits: seg.flags,
    window: seg.window,
    mss: seg.options.mss,
    length: seg.payload.length,
    payload: seg.payload.slice(),
  };
}

/** Records every TCP segment sent on the LAN (as sent, before any impairment). */
export function recordSegments(lan: SimLan): WireSegment[] {
  const segments: WireSegment[] = [];
  lan.observe((e) => {
    if (e.kind !== 'sent') return;
    const seg = tcpSegmentOf(e.frame, e.timeMs);
    if (seg !== undefined) segments.push(seg);
  });
  return segments;
}

/** u32 sequence arithmetic for expected values. */
export const plus = (a: number, b: number): number => (a + b) >>> 0;
