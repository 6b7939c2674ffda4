import type { MacDriver } from '../../src/host/mac.js';
import type { Clock } from '../../src/host/clock.js';
import { SeededRandom } from '../../src/host/random.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { Stack } from '../../src/stack.js';
import { TaskState, type TaskContext, type TaskDefinition } from '../../src/sched/types.js';
import { parseIpv4Address } from '../../src/net/wire/ipv4-address.js';
import { parseMac } from '../../src/net/wire/ethernet.js';

/** A MAC that records what the stack sends and lets a test hand it frames, at virtual times. */
export class RecordingMac implements MacDriver {
  readonly sent: { at: number; frame: Uint8Array }[] = [];
  private readonly queue: Uint8Array[] = [];
  private notify: () => void = () => {};
  refuse = false;

  constructor(readonly macAddress: Uint8Array, private readonly clock: Clock) {}

  transmit(frame: Uint8Array): boolean {
    if (this.refuse) return false;
    this.sent.push({ at: this.clock.now(), frame: frame.slice() });
    return true;
  }
  receive(): Uint8Array | undefined {
    return this.queue.shift();
  }
  setReceiveNotify(notify: () => void): void {
    this.notify = notify;
  }
  linkUp(): boolean {
    return true;
  }
  inject(...frames: Uint8Array[]): void {
    const wasEmpty = this.queue.length === 0;
    this.queue.push(...frames);
    if (wasEmpty) this.notify();
  }
}

export const ip = (s: string): number => {
  const a = parseIpv4Address(s);
  if (a === undefined) throw new Error(`bad address ${s}`);
  return a;
};
export const mac = (s: string): Uint8Array => parseMac(s)!;

/** A task that records every message it finds in its queue, with the time it ran. */
export function recorderTask(name: string, log: { at: number; message: number[] }[], clock: Clock, read: () => (ctx: TaskContext, buf: Uint8Array) => number): TaskDefinition {
  const buf = new Uint8Array(64);
  return {
    name,
    queueSize: 5 + 64,
    startDelay: 0,
    period: 0,
    initialState: TaskState.Stop,
    fn: (ctx) => {
      for (let i = 0; i < 16; i++) {
        const n = read()(ctx, buf);
        if (n === 0) return;
        log.push({ at: clock.now(), message: Array.from(buf.subarray(0, n)) });
      }
    },
  };
}

/** A stack at 198.18.0.2/24 on a recording MAC, with an owner task 'X' recording its queue. */
export function singleStack(options: { gateway?: string } = {}) {
  const clock = new VirtualClock(0);
  const wire = new RecordingMac(mac('02:00:00:00:00:02'), clock);
  const ownerMessages: { at: number; message: number[] }[] = [];
  let stack!: Stack;
  // Messages are read whole: the ARP result is the 5-byte header plus two content bytes.
  const reader = () => (ctx: TaskContext, buf: Uint8Array) => stack.scheduler.read(ctx.queue, buf, 7);
  stack = new Stack({
    mac: wire,
    clock,
    random: new SeededRandom(1),
    address: ip('198.18.0.2'),
    netmask: ip('255.255.255.0'),
    gateway: options.gateway ? ip(options.gateway) : undefined,
    tasks: [recorderTask('Xowner', ownerMessages, clock, reader)],
  });
  return { clock, wire, stack, ownerMessages };
}

import { BROADCAST_MAC, ETHERTYPE_ARP, ETHERTYPE_IPV4, emitEthernetHeader, parseEthernet } from '../../src/net/wire/ethernet.js';
import { ARP_REPLY, ARP_REQUEST, emitArp, parseArp, type ArpPacket } from '../../src/net/wire/arp.js';
import { IPPROTO_ICMP, emitIpv4Header, parseIpv4, type Ipv4Header } from '../../src/net/wire/ipv4.js';
import { ICMP_ECHO_REQUEST, emitIcmpEcho, parseIcmp } from '../../src/net/wire/icmp.js';

export { ARP_REPLY, ARP_REQUEST, BROADCAST_MAC };

/** An Ethernet frame carrying an ARP packet. */
export function arpFrame(ethDst: Uint8Array, ethSrc: Uint8Array, p: ArpPacket): Uint8Array {
  const f = new Uint8Array(60);
  emitEthernetHeader(ethDst, ethSrc, ETHERTYPE_ARP, f, 0);
  emitArp(p, f, 14);
  return f;
}

/** An Ethernet frame carrying an IPv4 packet with `payload`. */
export function ipv4Frame(ethDst: Uint8Array, ethSrc: Uint8Array, h: Ipv4Header, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(Math.max(60, 34 + payload.length));
  emitEthernetHeader(ethDst, ethSrc, ETHERTYPE_IPV4, f, 0);
  emitIpv4Header(h, payload.length, f, 14);
  f.set(payload, 34);
  return f;
}

export function echoRequestFrame(ethDst: Uint8Array, ethSrc: Uint8Array, src: number, dst: number, ident: number, seq: number, data: Uint8Array): Uint8Array {
  const icmp = new Uint8Array(8 + data.length);
  emitIcmpEcho(ICMP_ECHO_REQUEST, ident, seq, data, icmp, 0);
  return ipv4Frame(ethDst, ethSrc, { src, dst, protocol: IPPROTO_ICMP, ttl: 64, tos: 0, ident: 1 }, icmp);
}

/** Decodes a sent frame as far as it goes, for assertions. */
export function decode(frame: Uint8Array) {
  const eth = parseEthernet(frame);
  if (typeof eth === 'string') throw new Error(eth);
  const out: { eth: typeof eth; arp?: ArpPacket; ip?: Exclude<ReturnType<typeof parseIpv4>, string>; icmp?: Exclude<ReturnType<typeof parseIcmp>, string> } = { eth };
  if (eth.ethertype === ETHERTYPE_ARP) {
    const arp = parseArp(eth.payload);
    if (typeof arp === 'string') throw new Error(arp);
    out.arp = arp;
  } else if (eth.ethertype === ETHERTYPE_IPV4) {
    const p = parseIpv4(eth.payload);
    if (typeof p === 'string') throw new Error(p);
    out.ip = p;
    if (p.protocol === IPPROTO_ICMP) {
      const icmp = parseIcmp(p.payload);
      if (typeof icmp === 'string') throw new Error(icmp);
      out.icmp = icmp;
    }
  }
  return out;
}
