/**
 * The network interface: Ethernet in and out, ARP resolution, IPv4 input and output,
 * ICMP echo. It owns two tasks of the µTasker table: the Ethernet task ('E'), which
 * drains received frames, and the ARP task ('A'), which runs the table's timers.
 * Protocols above IPv4 (TCP) register a handler and send through `sendIpv4`.
 */
import type { Clock } from '../host/clock.js';
import type { MacDriver } from '../host/mac.js';
import type { LogSink } from '../host/log.js';
import { silentLog } from '../host/log.js';
import type { Scheduler } from '../sched/scheduler.js';
import { TaskState, type TaskContext } from '../sched/types.js';
import {
  ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, BROADCAST_MAC, MAC_LEN,
  emitEthernetHeader, isBroadcastMac, macEquals,
} from './wire/ethernet.js';
import { ARP_PACKET_LEN, ARP_REPLY, ARP_REQUEST, emitArp, parseArp, type ArpPacket } from './wire/arp.js';
import {
  IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP,
  Ipv4Input, emitIpv4Header, isFragment, readIpv4, readIpv4Record, type Ipv4Header,
} from './wire/ipv4.js';
import { FRAME_ARP, FRAME_IPV4, FRAME_NOT_FOR_US, FRAME_OTHER_TYPE, frameReader, ipv4Writer, newHeaderRecord } from './wire/header-record.js';
import { ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST, emitIcmpEcho, parseIcmp } from './wire/icmp.js';
import { ArpCache, ARP_DEFAULTS, type ArpConfig, type ArpOwner } from './arp-cache.js';
import { Counters } from './counters.js';
import { ARP_RESOLUTION_FAILED, ARP_RESOLUTION_SUCCESS, IPV4_PAYLOAD_OFFSET, SEND_NO_ARP_ENTRY, type Ipv4Sender } from './ipv4-sender.js';
import { TASK_ARP, TASK_ETHERNET_CODE } from './tasks.js';
import { counterId } from './counters.js';
import { DROP_ETH_TRUNCATED, dropReasonCode } from './wire/reasons.js';
import { readU16 } from './wire/bytes.js';
import { DROP_ETH_CODEC, DROP_IPV4_CODEC, DROP_ICMP_CODEC, DROP_ARP_CODEC, DROP_IPV4_UDP_NO_LISTENER, DROP_IPV4_TCP_NOT_ENABLED, DROP_IPV4_UNKNOWN_PROTOCOL, CNT_ARP_ADDRESS_CONFLICTS, CNT_ARP_GRATUITOUS, CNT_ARP_IN_REPLIES, CNT_ARP_IN_REQUESTS, CNT_ARP_OUT_REPLIES, CNT_ARP_OUT_REQUESTS, CNT_ARP_RESOLUTIONS_FAILED, CNT_ARP_RESOLUTIONS_STARTED, CNT_ARP_RESOLUTIONS_SUCCEEDED, CNT_ETH_IN_FRAMES, CNT_ETH_OUT_FRAMES, CNT_ICMP_IN_ECHO_REPLIES, CNT_ICMP_IN_ECHO_REQUESTS, CNT_ICMP_OUT_ECHO_REPLIES, CNT_ICMP_OUT_ECHO_REQUESTS, CNT_IPV4_IN_PACKETS, CNT_IPV4_OUT_NO_ARP_ENTRY, CNT_IPV4_OUT_PACKETS, DROP_ARP_OWNER_QUEUE_FULL, DROP_ARP_TABLE_FULL, DROP_ARP_UNKNOWN_OP, DROP_ETH_INTERNAL_ERROR, DROP_ETH_NOT_FOR_US, DROP_ETH_OUT_DRIVER_REFUSED, DROP_ETH_UNKNOWN_ETHERTYPE, DROP_ICMP_ECHO_NOT_ANSWERED, DROP_IPV4_BAD_SOURCE, DROP_IPV4_BROADCAST_NOT_HANDLED, DROP_IPV4_FRAGMENT, DROP_IPV4_NOT_FOR_US, DROP_IPV4_OUT_TOO_LONG } from './counter-ids.js';


/** Minimum Ethernet frame without FCS; shorter frames are zero-padded. */
const MIN_FRAME_LEN = 60;
/** Ethernet MTU plus header: the largest frame we send or accept. */
const MAX_FRAME_LEN = 1514;
/** Event number of the ARP task's timer. */
const E_ARP_TIMER = 1;
/** µTasker's message header length. */
const HEADER_LEN = 5;

/**
 * `icmp.in-type-<n>` for the ICMP errors a host meets (unreachable, source quench,
 * redirect, time exceeded, parameter problem), `icmp.in-type-other` for the rest. All
 * registered at load: Moddable freezes a module's objects after preloading it.
 */
const ICMP_TYPE_COUNTERS: readonly number[] = Array.from({ length: 13 }, (_, type) => counterId(`icmp.in-type-${type}`));
const ICMP_TYPE_OTHER = counterId('icmp.in-type-other');
function icmpTypeCounter(type: number): number {
  return type < ICMP_TYPE_COUNTERS.length ? ICMP_TYPE_COUNTERS[type] : ICMP_TYPE_OTHER;
}

export interface InterfaceAddress {
  /** Our IPv4 address (u32). */
  address: number;
  netmask: number;
  /** Default gateway for destinations outside the subnet. */
  gateway?: number;
}

export interface NetInterfaceOptions extends InterfaceAddress {
  mac: MacDriver;
  scheduler: Scheduler;
  clock: Clock;
  log?: LogSink;
  counters?: Counters;
  arp?: Partial<ArpConfig>;
  /**
   * ETHERNET_RELEASE_LIMIT: frames the Ethernet task handles beyond the first before it
   * re-activates itself and yields (µTasker: 3, so up to 4 frames per run).
   */
  releaseLimit?: number;
  /** Answer ICMP echo requests (default true). */
  answerPing?: boolean;
}

/**
 * A received IPv4 datagram handed to the protocol above: the interface's reused header
 * record, valid only during the call (its payload is buf[payloadStart..payloadEnd)).
 */
export type ProtocolHandler = (packet: Ipv4Input) => void;

export interface EchoReply {
  from: number;
  ident: number;
  sequence: number;
  payload: Uint8Array;
  at: number;
}

export class NetInterface implements Ipv4Sender {
  readonly counters: Counters;
  readonly arp: ArpCache;
  readonly txFrame = new Uint8Array(MAX_FRAME_LEN);
  private readonly arpFrame = new Uint8Array(MIN_FRAME_LEN);
  private readonly taskMessage = new Uint8Array(256);
  /** Every sent datagram's header is described in this one object. */
  private readonly txHeader: Ipv4Header = { src: 0, dst: 0, protocol: 0, ttl: 0, tos: 0, ident: 0, dontFragment: false };
  /** Every received datagram's header is read into this one record. */
  private readonly rxIpv4 = new Ipv4Input();
  /** What the native frame reader (when installed) reads each frame's headers into. */
  private readonly rxRecord = newHeaderRecord();
  private readonly rxRecordBuffer = this.rxRecord.buffer;
  /** The last view handed to the driver per transmit buffer: same length, same view. */
  private txView: Uint8Array = this.txFrame.subarray(0, 0);
  private readonly arpView: Uint8Array = this.arpFrame.subarray(0, MIN_FRAME_LEN);
  private readonly mac: MacDriver;
  private readonly scheduler: Scheduler;
  private readonly clock: Clock;
  private readonly log: LogSink;
  private readonly releaseLimit: number;
  private readonly answerPing: boolean;
  private readonly handlers = new Map<number, ProtocolHandler>();
  private readonly echoListeners: ((reply: EchoReply) => void)[] = [];
  private address: InterfaceAddress;
  private ident = 0;
  private arpTimerAt: number | undefined;

  constructor(options: NetInterfaceOptions) {
    this.mac = options.mac;
    this.scheduler = options.scheduler;
    this.clock = options.clock;
    this.log = options.log ?? silentLog;
    this.counters = options.counters ?? new Counters();
    this.releaseLimit = options.releaseLimit ?? 3;
    this.answerPing = options.answerPing ?? true;
    this.address = { address: options.address >>> 0, netmask: options.netmask >>> 0, gateway: options.gateway };
    this.arp = new ArpCache({ ...ARP_DEFAULTS, ...options.arp }, options.gateway);
  }

  /** Brings the interface up: hooks the driver's receive notification and announces us. */
  start(): void {
    this.mac.setReceiveNotify(() => this.scheduler.setState(TASK_ETHERNET_CODE, TaskState.Activate));
    this.sendGratuitousArp();
    // Frames may have arrived before we listened.
    this.scheduler.setState(TASK_ETHERNET_CODE, TaskState.Activate);
  }

  setProtocolHandler(protocol: number, handler: ProtocolHandler): void {
    this.handlers.set(protocol, handler);
  }

  onEchoReply(listener: (reply: EchoReply) => void): void {
    this.echoListeners.push(listener);
  }

  localAddress(): number {
    return this.address.address;
  }

  addressing(): Readonly<InterfaceAddress> {
    return this.address;
  }

  macAddress(): Uint8Array {
    return this.mac.macAddress;
  }

  // ---- output -------------------------------------------------------------------------

  /**
   * Sends the payload prepared at IPV4_PAYLOAD_OFFSET of `txFrame` (see Ipv4Sender).
   * µTasker's fnSendIPv4: frame length, 0 if the driver refused, NO_ARP_ENTRY if the next
   * hop is unresolved (resolution started for the owner).
   */
  sendIpv4(dst: number, protocol: number, tos: number, ttl: number, payloadLength: number, ownerTask: string, ownerSocket: number): number {
    dst >>>= 0;
    // MAX_FRAME_LEN is txFrame's length (read without the accessor call a typed array's length is on XS).
    if (payloadLength < 0 || IPV4_PAYLOAD_OFFSET + payloadLength > MAX_FRAME_LEN) {
      this.counters.drop(DROP_IPV4_OUT_TOO_LONG);
      return 0;
    }
    const mac = this.nextHopMac(dst, ownerTask, ownerSocket);
    if (!mac) {
      this.counters.inc(CNT_IPV4_OUT_NO_ARP_ENTRY);
      return SEND_NO_ARP_ENTRY;
    }
    const frame = this.txFrame;
    this.ident = (this.ident + 1) & 0xffff;
    if (ipv4Writer !== undefined) {
      ipv4Writer(frame, mac, this.mac.macAddress, this.address.address, dst, protocol, tos, ttl, this.ident, false, payloadLength);
      return this.transmitIpv4(frame, payloadLength);
    }
    emitEthernetHeader(mac, this.mac.macAddress, ETHERTYPE_IPV4, frame, 0);
    const h = this.txHeader;
    h.src = this.address.address;
    h.dst = dst;
    h.protocol = protocol;
    h.ttl = ttl;
    h.tos = tos;
    h.ident = this.ident;
    emitIpv4Header(h, payloadLength, frame, ETHERNET_HEADER_LEN);
    return this.transmitIpv4(frame, payloadLength);
  }

  private transmitIpv4(frame: Uint8Array, payloadLength: number): number {
    const length = this.transmit(frame, IPV4_PAYLOAD_OFFSET + payloadLength);
    if (length > 0) this.counters.inc(CNT_IPV4_OUT_PACKETS);
    return length;
  }

  /** Sends an ICMP echo request; replies reach the `onEchoReply` listeners. */
  ping(dst: number, ident: number, sequence: number, payload: Uint8Array): number {
    const length = emitIcmpEcho(ICMP_ECHO_REQUEST, ident, sequence, payload, this.txFrame, IPV4_PAYLOAD_OFFSET);
    const sent = this.sendIpv4(dst, IPPROTO_ICMP, 0, 64, length, '', 0);
    if (sent > 0) this.counters.inc(CNT_ICMP_OUT_ECHO_REQUESTS);
    return sent;
  }

  /**
   * The MAC of the next hop towards `dst`, or undefined after starting its resolution on
   * behalf of (`ownerTask`, `ownerSocket`) when a task is named.
   */
  private nextHopMac(dst: number, ownerTask: string, ownerSocket: number): Uint8Array | undefined {
    const { address, netmask, gateway } = this.address;
    if (dst === 0xffffffff || dst === ((address & netmask) | ~netmask) >>> 0) return BROADCAST_MAC;
    let hop = dst;
    if (((dst ^ address) & netmask) !== 0) {
      // µTasker: with no gateway, fnSendIPv4 gives NO_ARP_ENTRY without resolving anything.
      if (gateway === undefined) return undefined;
      hop = gateway >>> 0;
    }
    const known = this.arp.lookup(hop);
    if (known) return known;
    const now = this.clock.now();
    const owner: ArpOwner | undefined = ownerTask ? { task: ownerTask, socket: ownerSocket } : undefined;
    const start = this.arp.startResolution(hop, owner, now);
    if (start === 'request') {
      this.sendArp(ARP_REQUEST, BROADCAST_MAC, new Uint8Array(6), hop);
      this.counters.inc(CNT_ARP_RESOLUTIONS_STARTED);
      this.armArpTimer();
    } else if (start === 'table-full') {
      this.counters.drop(DROP_ARP_TABLE_FULL);
      if (owner) this.notifyOwner(owner, ARP_RESOLUTION_FAILED);
    }
    return undefined;
  }

  private transmit(frame: Uint8Array, length: number): number {
    if (length < MIN_FRAME_LEN) {
      frame.fill(0, length, MIN_FRAME_LEN);
      length = MIN_FRAME_LEN;
    }
    if (!this.mac.transmit(this.viewOf(frame, length))) {
      this.counters.drop(DROP_ETH_OUT_DRIVER_REFUSED);
      return 0;
    }
    this.counters.inc(CNT_ETH_OUT_FRAMES);
    return length;
  }

  /** frame[0..length) as a view, the same object as last time when nothing changed. */
  private viewOf(frame: Uint8Array, length: number): Uint8Array {
    if (frame === this.arpFrame && length === MIN_FRAME_LEN) return this.arpView;
    if (frame !== this.txFrame) return frame.subarray(0, length);
    if (this.txView.length !== length) this.txView = frame.subarray(0, length);
    return this.txView;
  }

  // ---- input --------------------------------------------------------------------------

  /**
   * The Ethernet task ('E'): handles up to releaseLimit + 1 frames, then re-activates
   * itself and yields so other tasks run between bursts.
   */
  ethernetTask(): void {
    const budget = this.releaseLimit + 1;
    let handled = 0;
    while (handled < budget) {
      const frame = this.mac.receive();
      if (!frame) return;
      handled++;
      this.handleFrame(frame);
    }
    this.scheduler.setState(TASK_ETHERNET_CODE, TaskState.Activate);
  }

  /** One received frame, from driver to protocol handler. Never throws; allocates nothing for TCP. */
  handleFrame(frame: Uint8Array): void {
    this.counters.inc(CNT_ETH_IN_FRAMES);
    try {
      if (frameReader !== undefined) return this.handleRead(frame, frameReader(frame, this.mac.macAddress, this.rxRecordBuffer));
      if (frame.length < ETHERNET_HEADER_LEN) return this.counters.drop(DROP_ETH_CODEC[DROP_ETH_TRUNCATED]);
      if (!isBroadcastMac(frame, 0) && !macEquals(frame, this.mac.macAddress, 0)) return this.counters.drop(DROP_ETH_NOT_FOR_US);
      const ethertype = readU16(frame, 12);
      if (ethertype === ETHERTYPE_IPV4) this.handleIpv4(frame);
      else if (ethertype === ETHERTYPE_ARP) this.handleArp(frame.subarray(ETHERNET_HEADER_LEN));
      else this.counters.drop(DROP_ETH_UNKNOWN_ETHERTYPE);
    } catch (error) {
      // A bug of ours must not take the stack down: count it and drop the frame.
      this.counters.drop(DROP_ETH_INTERNAL_ERROR);
      this.log('error', `frame handling failed: ${String(error)}`);
    }
  }

  /**
   * A frame the native reader has read (its verdict): the same checks, drops and counters
   * as the JavaScript path of handleFrame and handleIpv4, in the same order.
   */
  private handleRead(frame: Uint8Array, verdict: number): void {
    if (verdict === FRAME_IPV4) {
      readIpv4Record(this.rxRecord, frame, ETHERNET_HEADER_LEN, this.rxIpv4);
      return this.acceptIpv4(frame, this.rxIpv4);
    }
    if (verdict === FRAME_ARP) return this.handleArp(frame.subarray(ETHERNET_HEADER_LEN));
    if (verdict === FRAME_NOT_FOR_US) return this.counters.drop(DROP_ETH_NOT_FOR_US);
    if (verdict === FRAME_OTHER_TYPE) return this.counters.drop(DROP_ETH_UNKNOWN_ETHERTYPE);
    if (verdict === DROP_ETH_TRUNCATED) return this.counters.drop(DROP_ETH_CODEC[DROP_ETH_TRUNCATED]);
    return this.counters.drop(DROP_IPV4_CODEC[verdict]);
  }

  private handleIpv4(frame: Uint8Array): void {
    const ip = this.rxIpv4;
    const code = readIpv4(frame, ETHERNET_HEADER_LEN, frame.length, ip);
    if (code !== 0) return this.counters.drop(DROP_IPV4_CODEC[code]);
    ip.headers = null;
    return this.acceptIpv4(frame, ip);
  }

  /** A valid IPv4 datagram in `frame`, read into `ip`: address checks, ARP refresh, dispatch. */
  private acceptIpv4(frame: Uint8Array, ip: Ipv4Input): void {
    const { address, netmask } = this.address;
    const broadcast = ip.dst === 0xffffffff || ip.dst === ((address & netmask) | ~netmask) >>> 0;
    if (ip.dst !== address && !broadcast) return this.counters.drop(DROP_IPV4_NOT_FOR_US);
    if (ip.src === address || ip.src === 0xffffffff || ip.src >>> 28 === 0xe) return this.counters.drop(DROP_IPV4_BAD_SOURCE);
    if (isFragment(ip)) return this.counters.drop(DROP_IPV4_FRAGMENT);
    this.counters.inc(CNT_IPV4_IN_PACKETS);
    // Every valid frame from our subnet refreshes its sender's ARP entry (µTasker does the
    // same): a known sender costs a deadline update; a new one is learnt. It does not move
    // an entry to another MAC: a forged source address would redirect our frames for that
    // peer (docs/deviations.md); only ARP moves it.
    if (((ip.src ^ address) & netmask) === 0 && !this.arp.refresh(ip.src, frame, MAC_LEN, this.clock.now())) {
      this.learn(ip.src, frame.subarray(MAC_LEN, 2 * MAC_LEN), true, false);
    }
    if (ip.protocol === IPPROTO_ICMP) return this.handleIcmp(ip, broadcast);
    if (broadcast) return this.counters.drop(DROP_IPV4_BROADCAST_NOT_HANDLED);
    const handler = this.handlers.get(ip.protocol);
    if (!handler) {
      this.counters.drop(ip.protocol === IPPROTO_UDP ? DROP_IPV4_UDP_NO_LISTENER : ip.protocol === IPPROTO_TCP ? DROP_IPV4_TCP_NOT_ENABLED : DROP_IPV4_UNKNOWN_PROTOCOL);
      return;
    }
    // A tail call: XS reuses this frame for the protocol's input (the XS stack's depth).
    return handler(ip);
  }

  private handleIcmp(ip: Ipv4Input, broadcast: boolean): void {
    const icmp = parseIcmp(ip.buf.subarray(ip.payloadStart, ip.payloadEnd));
    if (typeof icmp === 'string') return this.counters.drop(DROP_ICMP_CODEC[dropReasonCode(icmp)]);
    if (icmp.type === ICMP_ECHO_REQUEST) {
      this.counters.inc(CNT_ICMP_IN_ECHO_REQUESTS);
      // Like µTasker (and Linux by default), no replies to broadcast pings.
      if (broadcast || !this.answerPing) return this.counters.drop(DROP_ICMP_ECHO_NOT_ANSWERED);
      const length = emitIcmpEcho(ICMP_ECHO_REPLY, icmp.ident, icmp.sequence, icmp.payload, this.txFrame, IPV4_PAYLOAD_OFFSET);
      if (this.sendIpv4(ip.src, IPPROTO_ICMP, ip.tos, 64, length, '', 0) > 0) this.counters.inc(CNT_ICMP_OUT_ECHO_REPLIES);
    } else if (icmp.type === ICMP_ECHO_REPLY) {
      this.counters.inc(CNT_ICMP_IN_ECHO_REPLIES);
      const reply: EchoReply = { from: ip.src, ident: icmp.ident, sequence: icmp.sequence, payload: icmp.payload, at: this.clock.now() };
      for (const listener of this.echoListeners) listener(reply);
    } else {
      // TCP ignores ICMP errors (µTasker does too); they are only counted.
      this.counters.inc(icmpTypeCounter(icmp.type));
    }
  }

  private handleArp(bytes: Uint8Array): void {
    const arp = parseArp(bytes);
    if (typeof arp === 'string') return this.counters.drop(DROP_ARP_CODEC[dropReasonCode(arp)]);
    const { address } = this.address;
    if (arp.senderIp === address && !macEquals(arp.senderMac, this.mac.macAddress)) {
      this.counters.inc(CNT_ARP_ADDRESS_CONFLICTS);
      this.log('warn', 'ARP: another host claims our IPv4 address');
      return;
    }
    const forUs = arp.targetIp === address;
    // ARP_IGNORE_FOREIGN_ENTRIES: foreign chatter only refreshes entries we already have.
    this.learn(arp.senderIp, arp.senderMac, forUs);
    if (arp.op === ARP_REQUEST) {
      this.counters.inc(CNT_ARP_IN_REQUESTS);
      if (forUs && arp.senderIp !== 0) {
        this.sendArp(ARP_REPLY, arp.senderMac, arp.senderMac, arp.senderIp);
        this.counters.inc(CNT_ARP_OUT_REPLIES);
      }
    } else if (arp.op === ARP_REPLY) {
      this.counters.inc(CNT_ARP_IN_REPLIES);
    } else {
      this.counters.drop(DROP_ARP_UNKNOWN_OP);
    }
  }

  private learn(ip: number, mac: Uint8Array, create: boolean, move = true): void {
    if (ip === 0 || isBroadcastMac(mac)) return;
    const resolved = this.arp.learn(ip, mac, this.clock.now(), create, move);
    for (const owner of resolved) this.notifyOwner(owner, ARP_RESOLUTION_SUCCESS);
    if (resolved.length > 0) this.counters.inc(CNT_ARP_RESOLUTIONS_SUCCEEDED);
    this.armArpTimer();
  }

  // ---- ARP ----------------------------------------------------------------------------

  private sendArp(op: number, ethDst: Uint8Array, targetMac: Uint8Array, targetIp: number): void {
    const frame = this.arpFrame;
    const packet: ArpPacket = { op, senderMac: this.mac.macAddress, senderIp: this.address.address, targetMac, targetIp };
    emitEthernetHeader(ethDst, this.mac.macAddress, ETHERTYPE_ARP, frame, 0);
    emitArp(packet, frame, ETHERNET_HEADER_LEN);
    frame.fill(0, ETHERNET_HEADER_LEN + ARP_PACKET_LEN);
    if (op === ARP_REQUEST) this.counters.inc(CNT_ARP_OUT_REQUESTS);
    this.transmit(frame, MIN_FRAME_LEN);
  }

  /** Announces our address on start (sender and target IP both ours). */
  private sendGratuitousArp(): void {
    this.sendArp(ARP_REQUEST, BROADCAST_MAC, new Uint8Array(6), this.address.address);
    this.counters.inc(CNT_ARP_GRATUITOUS);
  }

  /** µTasker's ARP → owner message: [route, route, owner, 'A', 2, result, socket]. */
  private notifyOwner(owner: ArpOwner, result: number): void {
    if (!owner.task) return;
    const message = new Uint8Array([0, 0, owner.task.charCodeAt(0), TASK_ARP.charCodeAt(0), 2, result, owner.socket & 0xff]);
    if (this.scheduler.write(message) === 0) this.counters.drop(DROP_ARP_OWNER_QUEUE_FULL);
  }

  /** The ARP task ('A'): its timer drives request repeats, failures and ageing. */
  arpTask(task: TaskContext): void {
    // The only messages are our own timer events; the table itself says what is due.
    while (this.scheduler.read(task.queue, this.taskMessage, HEADER_LEN) === HEADER_LEN) {
      // Timer and interrupt events carry their event number in byte 4; others a content length.
      const extra = this.taskMessage[3] <= 0x01 ? 0 : this.taskMessage[4];
      if (extra > 0 && this.scheduler.read(task.queue, this.taskMessage, extra) !== extra) break;
    }
    this.arpTimerAt = undefined;
    const now = this.clock.now();
    const { requests, failed } = this.arp.tick(now);
    for (const ip of requests) this.sendArp(ARP_REQUEST, BROADCAST_MAC, new Uint8Array(6), ip);
    for (const f of failed) {
      this.counters.inc(CNT_ARP_RESOLUTIONS_FAILED);
      for (const owner of f.owners) this.notifyOwner(owner, ARP_RESOLUTION_FAILED);
    }
    this.armArpTimer();
  }

  /** Keeps the ARP task's timer set for the table's next deadline (none when idle). */
  private armArpTimer(): void {
    const next = this.arp.nextDeadline();
    if (next === undefined) {
      if (this.arpTimerAt !== undefined) this.scheduler.stopTimer(TASK_ARP);
      this.arpTimerAt = undefined;
      return;
    }
    if (this.arpTimerAt !== undefined && this.arpTimerAt <= next) return;
    this.arpTimerAt = next;
    const tickMs = 1000 / this.scheduler.ticksPerSecond;
    const ticks = Math.max(1, Math.ceil((next - this.clock.now()) / tickMs));
    this.scheduler.monoTimer(TASK_ARP, ticks, E_ARP_TIMER);
  }
}
