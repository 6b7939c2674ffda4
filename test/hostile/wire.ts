/**
 * An attacker on the simulated LAN for the hostile tests: a third port that injects forged
 * Ethernet frames (TCP, ARP, ICMP) and a tap that follows one TCP connection between the
 * two boards, so that injections can be aimed near the real sequence numbers.
 */
import type { SimLan } from '../../hosts/sim/lan.js';
import { ETHERTYPE_IPV4, parseEthernet } from '../../src/net/wire/ethernet.js';
import { IPPROTO_TCP, parseIpv4 } from '../../src/net/wire/ipv4.js';
import { emitTcp, parseTcp, type TcpSegment } from '../../src/net/wire/tcp.js';
import { ipv4Frame } from '../net/helpers.js';

export const ATTACKER_MAC = new Uint8Array([0x02, 0x66, 0, 0, 0, 0x66]);

export interface TcpForgery {
  src: number;
  dst: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window?: number;
  payload?: Uint8Array;
}

/** An Ethernet frame with a TCP segment whose checksum is right (a blind attacker can compute it). */
export function tcpFrame(ethDst: Uint8Array, f: TcpForgery): Uint8Array {
  const payload = f.payload ?? new Uint8Array(0);
  const tcp = new Uint8Array(60 + payload.length);
  const len = emitTcp({ srcPort: f.srcPort, dstPort: f.dstPort, seq: f.seq >>> 0, ack: f.ack >>> 0, flags: f.flags, window: f.window ?? 8192, urgent: 0, options: {} }, payload, f.src, f.dst, tcp, 0);
  return ipv4Frame(ethDst, ATTACKER_MAC, { src: f.src, dst: f.dst, protocol: IPPROTO_TCP, ttl: 64, tos: 0, ident: 7 }, tcp.subarray(0, len));
}

/** The TCP segment an Ethernet frame carries (checksum not checked), if any. */
export function tcpSegmentOf(frame: Uint8Array): TcpSegment | undefined {
  const eth = parseEthernet(frame);
  if (typeof eth === 'string' || eth.ethertype !== ETHERTYPE_IPV4) return undefined;
  const ip = parseIpv4(eth.payload);
  if (typeof ip === 'string' || ip.protocol !== IPPROTO_TCP) return undefined;
  const seg = parseTcp(ip.payload, ip.src, ip.dst, false);
  return typeof seg === 'string' ? undefined : seg;
}

/** What the tap has seen of one direction of a connection: the next sequence number and the last ACK and window. */
export interface Direction {
  seen: boolean;
  port: number;
  nextSeq: number;
  ack: number;
  window: number;
}

/**
 * Follows the TCP traffic between the client (by its MAC) and `serverPort`: for each direction the
 * highest sequence number sent plus length, and the last acknowledgement and window.
 */
export function followConnection(lan: SimLan, clientMac: Uint8Array, serverPort: number): { toServer: Direction; toClient: Direction; stop(): void } {
  const toServer: Direction = { seen: false, port: 0, nextSeq: 0, ack: 0, window: 0 };
  const toClient: Direction = { seen: false, port: 0, nextSeq: 0, ack: 0, window: 0 };
  const stop = lan.observe((e) => {
    if (e.kind !== 'sent') return;
    const seg = tcpSegmentOf(e.frame);
    if (seg === undefined) return;
    let d: Direction | undefined;
    const fromClient = e.from.macAddress[5] === clientMac[5];
    if (fromClient && seg.dstPort === serverPort) d = toServer;
    else if (!fromClient && seg.srcPort === serverPort && e.frame[5] === clientMac[5]) d = toClient;
    if (d === undefined) return;
    const end = (seg.seq + seg.payload.length + (seg.flags & 0x03 ? 1 : 0)) >>> 0;
    if (!d.seen || ((end - d.nextSeq) | 0) > 0) d.nextSeq = end;
    d.seen = true;
    d.port = d === toServer ? seg.srcPort : seg.dstPort;
    d.ack = seg.ack;
    d.window = seg.window;
  });
  return { toServer, toClient, stop };
}
