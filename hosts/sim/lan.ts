import type { Clock } from '../../src/host/clock.js';
import type { MacDriver } from '../../src/host/mac.js';
import { SeededRandom } from '../../src/host/random.js';
import {
  ImpairedLink,
  deriveSeed,
  newImpairmentCounters,
  type DropReason,
  type ImpairmentCounters,
  type Impairments,
  type LinkVerdict,
} from './impairments.js';

export const DEFAULT_RX_QUEUE_LIMIT = 256;
/** Ethernet destination + source + type: the hub cannot forward anything shorter. */
const ETHERNET_HEADER_LENGTH = 14;
/** Bound on learned addresses, so a test spraying random source MACs cannot grow memory without limit. */
const MAX_LEARNED_ADDRESSES = 4096;
/** Random streams of a port: one per direction, so receiving never shifts the sending pattern. */
const EGRESS_STREAM = 0;
const INGRESS_STREAM = 1;

export interface SimLanOptions {
  /**
   * Drives every delivery. Timers due at the same moment must fire in the order they were
   * set (VirtualClock does), which makes runs with the same seed identical.
   */
  clock: Clock;
  /** Seed of every port's impairment generators. */
  seed: number;
}

export interface SimPortOptions {
  macAddress: Uint8Array;
  /** Shown in traces; default `port<N>`. */
  name?: string;
  /** Impairments of frames this port sends (its link towards the hub). */
  egress?: Impairments;
  /** Impairments of frames delivered to this port (the hub's link towards it). */
  ingress?: Impairments;
  /** Frames waiting in the receive queue before further ones are dropped (default 256). */
  rxQueueLimit?: number;
}

/** Counters of one port; impairment counts cover both directions of its link. */
export interface SimPortStats extends ImpairmentCounters {
  readonly name: string;
  /** Frames accepted by `transmit`. */
  sent: number;
  /** Frames put into this port's receive queue. */
  delivered: number;
}

/** What observers see: frames as sent, as delivered (after impairments) and as dropped. */
export interface SimFrameEvent {
  kind: 'sent' | 'delivered' | 'dropped';
  timeMs: number;
  /** The sending port for 'sent', the receiving port for 'delivered', the port whose link dropped it for 'dropped'. */
  port: SimMac;
  /** The port that sent the frame. */
  from: SimMac;
  /** The LAN's copy: read it during the call, copy it to keep it. */
  frame: Uint8Array;
  reason?: DropReason;
}

export type SimLanObserver = (event: SimFrameEvent) => void;

/** What a port needs from its LAN; kept narrow so ports and hub stay separate. */
interface Hub {
  readonly clock: Clock;
  forward(from: SimMac, frame: Uint8Array): void;
  report(kind: SimFrameEvent['kind'], port: SimMac, from: SimMac, frame: Uint8Array, reason?: DropReason): void;
  inFlightChanged(delta: number): void;
}

/**
 * An in-memory Ethernet segment: a learning hub joining simulated MACs, each port with its
 * own seeded link impairments in both directions. Frames always arrive from a clock timer,
 * never inside `transmit`, so a stack answering from its receive path is never re-entered.
 */
export class SimLan {
  private readonly clock: Clock;
  private readonly seed: number;
  private readonly ports: SimMac[] = [];
  private readonly portStats: SimPortStats[] = [];
  private readonly learned = new Map<number, SimMac>();
  private observers: SimLanObserver[] = [];
  private inFlight = 0;
  private readonly hub: Hub;

  constructor(options: SimLanOptions) {
    this.clock = options.clock;
    this.seed = options.seed >>> 0;
    this.hub = {
      clock: this.clock,
      forward: (from, frame) => this.forward(from, frame),
      report: (kind, port, from, frame, reason) => this.report(kind, port, from, frame, reason),
      inFlightChanged: (delta) => {
        this.inFlight += delta;
      },
    };
  }

  /** Adds a port. Its impairment generators derive from the LAN seed and its index (attach order). */
  attach(options: SimPortOptions): SimMac {
    const index = this.ports.length;
    const port = new SimMac(this.hub, index, this.seed, options);
    this.ports.push(port);
    this.portStats.push(port.stats);
    return port;
  }

  /** Per-port counters, in attach order (live objects). */
  get stats(): readonly Readonly<SimPortStats>[] {
    return this.portStats;
  }

  /** Calls `observer` for every frame sent, delivered or dropped. Returns a function that removes it. */
  observe(observer: SimLanObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** Frames (and duplicates) still travelling: scheduled but not yet delivered or dropped. */
  framesInFlight(): number {
    return this.inFlight;
  }

  /** The port the hub has learned for this MAC address, if any. */
  learnedPort(macAddress: Uint8Array): SimMac | undefined {
    return macAddress.length === 6 ? this.learned.get(macKey(macAddress, 0)) : undefined;
  }

  /** A frame reached the hub: learn its source, then send it out of the right port(s). */
  private forward(from: SimMac, frame: Uint8Array): void {
    const source = macKey(frame, 6);
    if ((frame[6] & 1) === 0 && this.learned.get(source) !== from) {
      if (this.learned.size >= MAX_LEARNED_ADDRESSES && !this.learned.has(source)) this.learned.clear();
      this.learned.set(source, from);
    }
    const known = (frame[0] & 1) === 0 ? this.learned.get(macKey(frame, 0)) : undefined;
    if (known !== undefined) {
      // A destination learned on the sender's own port stays there (a real switch filters it).
      if (known !== from) known.arriveFromHub(from, frame);
      return;
    }
    // Broadcast, multicast and unknown unicast: every other port. The last one takes the
    // hub's buffer, the others get copies, so no two ports ever share a frame.
    let last = -1;
    for (let i = 0; i < this.ports.length; i++) if (this.ports[i] !== from) last = i;
    for (let i = 0; i <= last; i++) {
      const port = this.ports[i];
      if (port === from) continue;
      port.arriveFromHub(from, i === last ? frame : frame.slice());
    }
  }

  private report(kind: SimFrameEvent['kind'], port: SimMac, from: SimMac, frame: Uint8Array, reason?: DropReason): void {
    const observers = this.observers;
    if (observers.length === 0) return;
    const event: SimFrameEvent = { kind, timeMs: this.clock.now(), port, from, frame };
    if (reason !== undefined) event.reason = reason;
    for (const observer of observers) observer(event);
  }
}

/** A simulated Ethernet MAC on a SimLan; create it with `SimLan.attach`. */
export class SimMac implements MacDriver {
  readonly macAddress: Uint8Array;
  readonly name: string;
  readonly index: number;
  readonly stats: SimPortStats;
  private readonly egress: ImpairedLink;
  private readonly ingress: ImpairedLink;
  private readonly verdict: LinkVerdict = { dropped: undefined, arrivalMs: 0, duplicateArrivalMs: undefined };
  private readonly rxLimit: number;
  private rxQueue: (Uint8Array | undefined)[] = [];
  private rxHead = 0;
  private notify: (() => void) | undefined;
  private up = true;

  constructor(
    private readonly hub: Hub,
    index: number,
    lanSeed: number,
    options: SimPortOptions,
  ) {
    if (options.macAddress.length !== 6) throw new RangeError('SimMac: macAddress must be 6 bytes');
    const rxLimit = options.rxQueueLimit ?? DEFAULT_RX_QUEUE_LIMIT;
    if (!(Number.isInteger(rxLimit) && rxLimit >= 0)) throw new RangeError(`SimMac: rxQueueLimit must be an integer >= 0, got ${rxLimit}`);
    this.index = index;
    this.name = options.name ?? `port${index}`;
    this.macAddress = options.macAddress.slice();
    this.rxLimit = rxLimit;
    this.stats = { name: this.name, sent: 0, delivered: 0, ...newImpairmentCounters() };
    this.egress = new ImpairedLink(new SeededRandom(deriveSeed(lanSeed, index, EGRESS_STREAM)), this.stats, options.egress);
    this.ingress = new ImpairedLink(new SeededRandom(deriveSeed(lanSeed, index, INGRESS_STREAM)), this.stats, options.ingress);
  }

  /** Replaces the impairments of the given direction(s); an omitted direction is unchanged. Throws RangeError when invalid. */
  setImpairments(impairments: { egress?: Impairments; ingress?: Impairments }): void {
    if (impairments.egress !== undefined) this.egress.configure(impairments.egress);
    if (impairments.ingress !== undefined) this.ingress.configure(impairments.ingress);
  }

  /** Link down: `transmit` refuses frames and frames arriving for this port are dropped; both are counted. */
  setLinkUp(up: boolean): void {
    this.up = up;
  }

  linkUp(): boolean {
    return this.up;
  }

  transmit(frame: Uint8Array): boolean {
    if (!this.up) return this.refuse(frame, 'link-down');
    if (frame.length < ETHERNET_HEADER_LENGTH) return this.refuse(frame, 'runt');
    const copy = frame.slice(); // the sender may reuse its buffer at once
    this.stats.sent++;
    this.hub.report('sent', this, this, copy);
    const now = this.hub.clock.now();
    const verdict = this.verdict;
    this.egress.pass(copy, now, verdict);
    if (verdict.dropped !== undefined) {
      this.hub.report('dropped', this, this, copy, verdict.dropped);
      return true; // lost on the wire: the sender cannot tell
    }
    // Read the verdict before scheduling: the next pass reuses it.
    const duplicateAt = verdict.duplicateArrivalMs;
    const duplicate = duplicateAt !== undefined ? copy.slice() : undefined;
    this.schedule(verdict.arrivalMs, () => this.hub.forward(this, copy));
    if (duplicate !== undefined && duplicateAt !== undefined) {
      this.schedule(duplicateAt, () => this.hub.forward(this, duplicate));
    }
    return true;
  }

  receive(): Uint8Array | undefined {
    if (this.rxHead >= this.rxQueue.length) return undefined;
    const frame = this.rxQueue[this.rxHead];
    this.rxQueue[this.rxHead++] = undefined;
    if (this.rxHead === this.rxQueue.length) {
      this.rxQueue.length = 0;
      this.rxHead = 0;
    }
    return frame;
  }

  setReceiveNotify(notify: () => void): void {
    this.notify = notify;
  }

  /** Frames waiting in the receive queue. */
  pendingReceive(): number {
    return this.rxQueue.length - this.rxHead;
  }

  /** Called by the hub: `frame` (this port's own buffer) enters the hub's link towards this port. */
  arriveFromHub(from: SimMac, frame: Uint8Array): void {
    if (!this.up) {
      this.dropArriving(from, frame, 'link-down');
      return;
    }
    const verdict = this.verdict;
    this.ingress.pass(frame, this.hub.clock.now(), verdict);
    if (verdict.dropped !== undefined) {
      this.hub.report('dropped', this, from, frame, verdict.dropped);
      return;
    }
    const duplicateAt = verdict.duplicateArrivalMs;
    const duplicate = duplicateAt !== undefined ? frame.slice() : undefined;
    this.schedule(verdict.arrivalMs, () => this.deliver(from, frame));
    if (duplicate !== undefined && duplicateAt !== undefined) {
      this.schedule(duplicateAt, () => this.deliver(from, duplicate));
    }
  }

  /** The frame comes out of the link: into the receive queue, with an "Rx interrupt" if it was empty. */
  private deliver(from: SimMac, frame: Uint8Array): void {
    if (!this.up) {
      this.dropArriving(from, frame, 'link-down');
      return;
    }
    const waiting = this.pendingReceive();
    if (waiting >= this.rxLimit) {
      this.dropArriving(from, frame, 'rx-queue-full');
      return;
    }
    if (this.rxHead > 64 && this.rxHead * 2 > this.rxQueue.length) {
      this.rxQueue.splice(0, this.rxHead);
      this.rxHead = 0;
    }
    this.rxQueue.push(frame);
    this.stats.delivered++;
    this.hub.report('delivered', this, from, frame);
    if (waiting === 0 && this.notify !== undefined) this.notify();
  }

  private schedule(atMs: number, fire: () => void): void {
    this.hub.inFlightChanged(1);
    this.hub.clock.setTimer(atMs, () => {
      this.hub.inFlightChanged(-1);
      fire();
    });
  }

  private refuse(frame: Uint8Array, reason: DropReason): boolean {
    this.stats.dropped[reason]++;
    this.hub.report('dropped', this, this, frame, reason);
    return false;
  }

  private dropArriving(from: SimMac, frame: Uint8Array, reason: DropReason): void {
    this.stats.dropped[reason]++;
    this.hub.report('dropped', this, from, frame, reason);
  }
}

/** A 6-byte MAC address at `offset` as one number (48 bits fit a double exactly). */
function macKey(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] * 0x100 + bytes[offset + 1]) * 0x100000000 +
    (((bytes[offset + 2] << 24) | (bytes[offset + 3] << 16) | (bytes[offset + 4] << 8) | bytes[offset + 5]) >>> 0)
  );
}
