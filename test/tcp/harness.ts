/**
 * Scenario harness for the TCP stack: a real Scheduler on a VirtualClock, a TcpStack, and a
 * recording TcpNetwork that parses every segment the stack emits. Tests read like packet
 * traces: `h.recv({ flags: 'S', seq: 1000 })` injects a segment from the peer,
 * `h.expectSent({ flags: 'SA', ack: 1001 })` takes the next emitted one and checks it,
 * `h.events` lists what the listener saw, `h.advance(ms)` moves time.
 */
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { SeededRandom } from '../../src/host/random.js';
import { Scheduler } from '../../src/sched/scheduler.js';
import { RESERVE_MONO_TIMER, TaskState } from '../../src/sched/types.js';
import { emitTcp, parseTcp, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type TcpOptions } from '../../src/net/wire/tcp.js';
import { IPV4_PAYLOAD_OFFSET, type TcpNetwork } from '../../src/net/tcp/network.js';
import { TcpStack } from '../../src/net/tcp/stack.js';
import type { TcpConfig } from '../../src/net/tcp/config.js';
import { bindTcp, type UTaskerTcp, APP_ACCEPT } from '../../src/api/tcp.js';
import { tcpStateName } from '../../src/net/tcp/types.js';

export const LOCAL = 0xc6120001; // 198.18.0.1
export const PEER = 0xc6120002; // 198.18.0.2
export const PEER2 = 0xc6120003; // 198.18.0.3
export const PEER_IP = new Uint8Array([198, 18, 0, 2]);
export const PEER2_IP = new Uint8Array([198, 18, 0, 3]);

const FLAG_LETTERS: [string, number][] = [['S', TCP_SYN], ['F', TCP_FIN], ['R', TCP_RST], ['P', TCP_PSH], ['A', TCP_ACK]];

export function flagsToString(flags: number): string {
  return FLAG_LETTERS.filter(([, bit]) => flags & bit).map(([l]) => l).join('');
}

export function flagsFromString(s: string): number {
  let f = 0;
  for (const ch of s) {
    const e = FLAG_LETTERS.find(([l]) => l === ch);
    if (e === undefined) throw new Error(`unknown flag letter ${ch}`);
    f |= e[1];
  }
  return f;
}

const text = (b: Uint8Array): string => String.fromCharCode(...b);
export const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** One segment the stack handed to IPv4. */
export interface Sent {
  at: number;
  dst: number;
  tos: number;
  ttl: number;
  owner: string;
  ownerSocket: number;
  /** What sendIpv4 returned (frame length, 0, or -1 = no ARP entry, not transmitted). */
  result: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: string;
  win: number;
  mss: number | undefined;
  /** The window-scale option's shift, undefined without the option. */
  wscale: number | undefined;
  payload: string;
}

export class RecordingNetwork implements TcpNetwork {
  readonly txFrame = new Uint8Array(1514);
  /** Every segment sendIpv4 received, transmitted or not. */
  readonly log: Sent[] = [];
  /** Destinations whose MAC is "unknown": sendIpv4 returns NO_ARP_ENTRY. */
  readonly unresolved = new Set<number>();
  refuse = false;
  checksumErrors = 0;

  constructor(private readonly clock: VirtualClock) {}

  localAddress(): number {
    return LOCAL;
  }

  sendIpv4(dst: number, protocol: number, tos: number, ttl: number, payloadLength: number, ownerTask: string, ownerSocket: number): number {
    const seg = parseTcp(this.txFrame.subarray(IPV4_PAYLOAD_OFFSET, IPV4_PAYLOAD_OFFSET + payloadLength), LOCAL, dst, true);
    if (typeof seg === 'string' || protocol !== 6) {
      this.checksumErrors++;
      throw new Error(`stack emitted a bad segment: ${String(seg)}`);
    }
    const result = this.unresolved.has(dst) ? -1 : this.refuse ? 0 : 14 + 20 + payloadLength;
    this.log.push({
      at: this.clock.now(), dst, tos, ttl, owner: ownerTask, ownerSocket, result,
      srcPort: seg.srcPort, dstPort: seg.dstPort, seq: seg.seq, ack: seg.ack, flags: flagsToString(seg.flags),
      win: seg.window, mss: seg.options.mss, wscale: seg.options.windowScale, payload: text(seg.payload),
    });
    return result;
  }
}

export interface RecvSpec {
  flags: string;
  seq: number;
  ack?: number;
  win?: number;
  mss?: number;
  /** The window-scale option's shift (RFC 7323). */
  wscale?: number;
  payload?: string | Uint8Array;
  src?: number;
  srcPort?: number;
  dstPort?: number;
}

export interface SentSpec {
  flags?: string;
  seq?: number;
  ack?: number;
  win?: number;
  mss?: number | undefined;
  wscale?: number | undefined;
  payload?: string;
  dst?: number;
  srcPort?: number;
  dstPort?: number;
}

export interface EventRecord {
  at: number;
  socket: number;
  event: number;
  state: string;
  /** Peer address as dotted text, or the payload as text; undefined for null. */
  data: string | undefined;
  portLen: number;
}

export type AppHandler = (e: EventRecord, data: Uint8Array | null) => number | undefined | void;

export interface HarnessOptions {
  config?: Partial<TcpConfig>;
  tickMs?: number;
  seed?: number;
}

export class TcpHarness {
  readonly clock = new VirtualClock(0);
  readonly net = new RecordingNetwork(this.clock);
  readonly scheduler: Scheduler;
  readonly stack: TcpStack;
  readonly api: UTaskerTcp;
  readonly events: EventRecord[] = [];
  /** Index of the next segment expectSent looks at. */
  private cursor = 0;
  /** What the application does on each event (default: APP_ACCEPT). */
  app: AppHandler = () => APP_ACCEPT;
  localPort = 80;
  peerPort = 40000;
  /** Messages that reached the application task 'a' (e.g. TX_FREE wake-ups), as byte arrays. */
  readonly appMessages: number[][] = [];

  constructor(o: HarnessOptions = {}) {
    let stack: TcpStack | undefined;
    this.scheduler = new Scheduler([
      { name: 'TCP', fn: (ctx) => stack?.task(ctx), queueSize: 5 + 64, startDelay: RESERVE_MONO_TIMER, period: 0, initialState: TaskState.Stop },
      {
        name: 'app', queueSize: 5 + 32, startDelay: 0, period: 0, initialState: TaskState.Stop,
        fn: (ctx) => {
          const buf = new Uint8Array(5);
          for (let i = 0; i < 8 && this.scheduler.read(ctx.queue, buf, 5) === 5; i++) this.appMessages.push(Array.from(buf));
        },
      },
    ], { clock: this.clock, tickMs: o.tickMs ?? 50 });
    stack = new TcpStack({
      network: this.net, scheduler: this.scheduler, clock: this.clock,
      random: new SeededRandom(o.seed ?? 12345), config: { delayedAckMs: 0, txBufferFrame: 1400, ...o.config }, // µTasker's per-segment ACKs and TCP_BUFFER_FRAME unless a test says otherwise
    });
    this.stack = stack;
    this.api = bindTcp(stack);
    this.scheduler.start();
  }

  /** The listener every socket of the harness uses: records, then asks `app`. */
  readonly listener = (socket: number, event: number, data: Uint8Array | null, portLen: number): number => {
    const e: EventRecord = {
      at: this.clock.now(), socket, event, state: tcpStateName(this.stack.state(socket)),
      data: data === null ? undefined : event === 4 ? text(data) : `${data[0]}.${data[1]}.${data[2]}.${data[3]}`,
      portLen,
    };
    this.events.push(e);
    const r = this.app(e, data);
    return typeof r === 'number' ? r : APP_ACCEPT;
  };

  /** fnGetTCP_Socket with the recording listener. */
  socket(tos = 0, idle = 0xffff): number {
    return this.api.fnGetTCP_Socket(tos, idle, this.listener);
  }

  /** Injects a segment from the peer. */
  recv(r: RecvSpec): void {
    const payload = typeof r.payload === 'string' ? bytes(r.payload) : r.payload ?? new Uint8Array(0);
    const options: TcpOptions = r.mss === undefined ? {} : { mss: r.mss };
    if (r.wscale !== undefined) options.windowScale = r.wscale;
    const src = r.src ?? PEER;
    const buf = new Uint8Array(60 + payload.length);
    const len = emitTcp({
      srcPort: r.srcPort ?? this.peerPort, dstPort: r.dstPort ?? this.localPort, seq: r.seq >>> 0, ack: (r.ack ?? 0) >>> 0,
      flags: flagsFromString(r.flags), window: r.win ?? 8192, urgent: 0, options,
    }, payload, src, LOCAL, buf, 0);
    this.stack.input({ src, dst: LOCAL, buf, payloadStart: 0, payloadEnd: len });
  }

  /** Injects raw TCP bytes (for malformed segments). */
  recvRaw(tcp: Uint8Array, src = PEER): void {
    this.stack.input({ src, dst: LOCAL, buf: tcp, payloadStart: 0, payloadEnd: tcp.length });
  }

  /** Segments actually transmitted (sendIpv4 returned > 0 or 0) not yet taken by expectSent. */
  pending(): Sent[] {
    return this.net.log.slice(this.cursor);
  }

  /** Takes the next emitted segment and checks the given fields. */
  expectSent(spec: SentSpec = {}): Sent {
    const s = this.net.log[this.cursor];
    if (s === undefined) throw new Error(`expected a segment ${JSON.stringify(spec)}, nothing was sent`);
    this.cursor++;
    const actual: Record<string, unknown> = {};
    const wanted: Record<string, unknown> = {};
    for (const k of Object.keys(spec) as (keyof SentSpec)[]) {
      wanted[k] = k === 'flags' ? flagsToString(flagsFromString(spec.flags!)) : k === 'seq' || k === 'ack' ? (spec[k] as number) >>> 0 : spec[k];
      actual[k] = (s as unknown as Record<string, unknown>)[k];
    }
    expect(actual).toEqual(wanted);
    return s;
  }

  /** Passes over the next `n` emitted segments without checking them. */
  skip(n = this.net.log.length - this.cursor): void {
    this.cursor = Math.min(this.net.log.length, this.cursor + n);
  }

  expectNothingSent(): void {
    expect(this.pending().map((s) => `${s.flags} seq=${s.seq} ack=${s.ack}`)).toEqual([]);
  }

  /** Events since the last call, as [event, state] pairs (and clears them). */
  takeEvents(): EventRecord[] {
    return this.events.splice(0, this.events.length);
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** Delivers an ARP result for `socket` into the TCP task's queue, as the ARP task would. */
  arpResult(socket: number, success: boolean): void {
    const msg = new Uint8Array([0, 0, 'T'.charCodeAt(0), 'A'.charCodeAt(0), 2, success ? 4 : 3, socket]);
    this.scheduler.write(msg);
    this.clock.runDue();
  }

  state(socket: number): string {
    return tcpStateName(this.stack.state(socket));
  }

  /** Listen on localPort, take a SYN (seq 1000) and complete the handshake. Returns our ISS. */
  openPassive(socket: number, o: { peerWin?: number; peerMss?: number; window?: number } = {}): number {
    this.api.fnTCP_Listen(socket, this.localPort, o.window ?? 0);
    this.recv({ flags: 'S', seq: 1000, win: o.peerWin ?? 8192, mss: o.peerMss ?? 1460 });
    const synAck = this.expectSent({ flags: 'SA', ack: 1001 });
    this.recv({ flags: 'A', seq: 1001, ack: synAck.seq + 1, win: o.peerWin ?? 8192 });
    if (this.state(socket) !== 'ESTABLISHED') throw new Error(`handshake failed: ${this.state(socket)}`);
    this.takeEvents();
    return synAck.seq;
  }

  /** fnTCP_Connect to PEER:peerPort from localPort, SYN+ACK from the peer (seq 5000). Returns our ISS. */
  openActive(socket: number, o: { peerWin?: number; peerMss?: number } = {}): number {
    this.api.fnTCP_Connect(socket, PEER_IP, this.peerPort, this.localPort, 0);
    const syn = this.expectSent({ flags: 'S' });
    this.recv({ flags: 'SA', seq: 5000, ack: syn.seq + 1, win: o.peerWin ?? 8192, mss: o.peerMss ?? 1460 });
    this.expectSent({ flags: 'A', seq: syn.seq + 1, ack: 5001 });
    if (this.state(socket) !== 'ESTABLISHED') throw new Error(`connect failed: ${this.state(socket)}`);
    this.takeEvents();
    return syn.seq;
  }

  /** fnSendTCP with a µTasker buffer (20 header bytes, then the payload). */
  sendTcp(socket: number, payload: string, flags = 0): number {
    const buf = new Uint8Array(20 + payload.length);
    buf.set(bytes(payload), 20);
    return this.api.fnSendTCP(socket, buf, payload.length, flags);
  }
}

/** [event, state] of each record, for compact assertions. */
export function evs(list: EventRecord[]): [number, string][] {
  return list.map((e) => [e.event, e.state]);
}
