/**
 * A MAC wrapper that loses, duplicates and reorders frames with a seeded generator, in
 * either direction, for hosts whose link cannot be impaired otherwise (the TAP hosts: this
 * kernel has no netem). Engine-neutral: only the Clock and MacDriver interfaces, so the
 * Node, XS and simulated hosts wrap their drivers the same way. A `mutate` hook lets the
 * fuzzer rewrite frames in flight.
 */
import type { Clock } from '../../src/host/clock.js';
import type { MacDriver } from '../../src/host/mac.js';
import { SeededRandom } from '../../src/host/random.js';
import { ReceiveQueue } from './frame-queue.js';

/** What one direction does to frames; every field optional, an empty object is a clean link. */
export interface MacImpairments {
  /** Probability 0..1 that a frame is dropped. */
  loss?: number;
  /** Probability 0..1 that a frame is delivered twice. */
  duplicate?: number;
  /** Probability 0..1 that a frame is held back by `reorderDelayMs`, so later frames overtake it. */
  reorder?: number;
  /** How long a held-back frame waits (default 5 ms). */
  reorderDelayMs?: number;
}

export type MacDirection = 'in' | 'out';

/**
 * Rewrites one frame in flight: returns the frame to deliver (the same buffer or another)
 * or undefined to drop it. `index` counts the frames of that direction from 0.
 */
export type FrameMutator = (frame: Uint8Array, direction: MacDirection, index: number) => Uint8Array | undefined;

export interface ImpairedMacOptions {
  clock: Clock;
  seed: number;
  /** Frames the stack sends. */
  egress?: MacImpairments;
  /** Frames the stack receives. */
  ingress?: MacImpairments;
  mutate?: FrameMutator;
}

export interface ImpairedDirectionStats {
  frames: number;
  lost: number;
  duplicated: number;
  reordered: number;
}

const DEFAULT_REORDER_DELAY_MS = 5;
/** Held-back and duplicate frames waiting on the receive side before new ones are dropped. */
const READY_LIMIT = 4096;

/** Checks one direction's settings; a configuration error is the caller's, so it throws. */
export function checkMacImpairments(imp: MacImpairments): void {
  for (const key of ['loss', 'duplicate', 'reorder'] as const) {
    const p = imp[key];
    if (p !== undefined && !(p >= 0 && p <= 1)) throw new RangeError(`${key} must be a probability in [0, 1], got ${p}`);
  }
  const d = imp.reorderDelayMs;
  if (d !== undefined && !(d >= 0 && Number.isFinite(d))) throw new RangeError(`reorderDelayMs must be a finite number >= 0, got ${d}`);
}

/** One direction's seeded decisions. Three draws per frame whatever the settings, so the n-th frame's fate depends only on n. */
class Fate {
  private readonly random: SeededRandom;
  readonly stats: ImpairedDirectionStats = { frames: 0, lost: 0, duplicated: 0, reordered: 0 };
  lose = false;
  twice = false;
  hold = false;

  constructor(seed: number, private readonly imp: MacImpairments) {
    checkMacImpairments(imp);
    this.random = new SeededRandom(seed);
  }

  get delayMs(): number {
    return this.imp.reorderDelayMs ?? DEFAULT_REORDER_DELAY_MS;
  }

  /** Decides the next frame's fate into lose / twice / hold and counts it. */
  draw(): void {
    const a = this.random.nextFloat();
    const b = this.random.nextFloat();
    const c = this.random.nextFloat();
    this.stats.frames++;
    this.lose = a < (this.imp.loss ?? 0);
    this.twice = !this.lose && b < (this.imp.duplicate ?? 0);
    this.hold = !this.lose && c < (this.imp.reorder ?? 0);
    if (this.lose) this.stats.lost++;
    if (this.twice) this.stats.duplicated++;
    if (this.hold) this.stats.reordered++;
  }
}

export class ImpairedMac implements MacDriver {
  private readonly clock: Clock;
  private readonly out: Fate;
  private readonly in: Fate;
  private readonly mutate: FrameMutator | undefined;
  // Received frames released from hold and duplicates, served before the driver's queue.
  private readonly readyCounters = { rxFrames: 0, rxDropped: 0 };
  private readonly ready = new ReceiveQueue(READY_LIMIT, this.readyCounters);
  /** Timers still holding frames back (either direction). */
  private held = 0;

  constructor(private readonly inner: MacDriver, o: ImpairedMacOptions) {
    this.clock = o.clock;
    // Two streams from one seed (the constants only separate them).
    this.out = new Fate((o.seed ^ 0x5bd1e995) >>> 0, o.egress ?? {});
    this.in = new Fate((o.seed ^ 0x27d4eb2f) >>> 0, o.ingress ?? {});
    this.mutate = o.mutate;
    inner.setReceiveNotify(() => this.notifyStack());
  }

  get macAddress(): Uint8Array {
    return this.inner.macAddress;
  }

  get stats(): { in: Readonly<ImpairedDirectionStats>; out: Readonly<ImpairedDirectionStats> } {
    return { in: this.in.stats, out: this.out.stats };
  }

  /** One line for the board's log: `impaired link: in F frames (L lost, D duplicated, R reordered); out ...`. */
  summary(): string {
    const part = (name: string, d: ImpairedDirectionStats) => `${name} ${d.frames} frames (${d.lost} lost, ${d.duplicated} duplicated, ${d.reordered} reordered)`;
    return `impaired link: ${part('in', this.in.stats)}; ${part('out', this.out.stats)}`;
  }

  /** Frames held back for reordering that have not come out yet. */
  heldFrames(): number {
    return this.held;
  }

  linkUp(): boolean {
    return this.inner.linkUp();
  }

  /** Received frames dropped because too many waited in the hold/duplicate queue. */
  get overflow(): number {
    return this.readyCounters.rxDropped;
  }

  private notifyStack: () => void = () => {};

  setReceiveNotify(notify: () => void): void {
    this.notifyStack = notify;
    // Frames released from hold wake the stack too, on the queue's empty → non-empty edge.
    this.ready.setNotify(notify);
  }

  transmit(frame: Uint8Array): boolean {
    if (!this.inner.linkUp()) return this.inner.transmit(frame);
    const index = this.out.stats.frames;
    const fate = this.out;
    fate.draw();
    let f: Uint8Array | undefined = frame;
    if (this.mutate !== undefined) {
      f = this.mutate(frame.slice(), 'out', index);
      if (f === undefined) return true;
    }
    if (fate.lose) return true; // lost on the wire: the sender cannot tell
    if (fate.twice) this.inner.transmit(f);
    if (fate.hold) {
      const copy = f.slice(); // the stack reuses its transmit buffer
      this.held++;
      this.clock.setTimer(this.clock.now() + fate.delayMs, () => {
        this.held--;
        this.inner.transmit(copy);
      });
      return true;
    }
    return this.inner.transmit(f);
  }

  receive(): Uint8Array | undefined {
    const waiting = this.ready.take();
    if (waiting !== undefined) return waiting;
    // Bounded by the driver's queue: each pass takes one of its frames.
    for (;;) {
      const frame = this.inner.receive();
      if (frame === undefined) return undefined;
      const index = this.in.stats.frames;
      const fate = this.in;
      fate.draw();
      let f: Uint8Array | undefined = frame;
      if (this.mutate !== undefined) f = this.mutate(frame, 'in', index);
      if (f === undefined || fate.lose) continue;
      if (fate.hold) {
        const copy = f.slice(); // drivers may reuse their receive buffer (the XS host's does)
        const twice = fate.twice; // the next frame's draw overwrites it
        this.held++;
        this.clock.setTimer(this.clock.now() + fate.delayMs, () => {
          this.held--;
          this.ready.add(copy);
          if (twice) this.ready.add(copy.slice());
        });
        continue;
      }
      if (fate.twice) this.ready.add(f.slice());
      return f;
    }
  }
}

/**
 * The board's link as `xstcp board --impair` asks (both directions alike), or undefined
 * without the flag. Hosts wrap it inside their capture, so a pcap shows what crossed the
 * wire, and print its summary() when the board stops.
 */
export function boardImpairment(mac: MacDriver, clock: Clock, impair: { seed: number; link: MacImpairments } | undefined): ImpairedMac | undefined {
  return impair === undefined ? undefined : new ImpairedMac(mac, { clock, seed: impair.seed, egress: impair.link, ingress: impair.link });
}

/**
 * Parses `xstcp board --impair`: `loss=P,duplicate=P,reorder=P[,delay=MS][,seed=N]`, every
 * key optional, the same impairments in both directions. Returns a message when invalid.
 */
export function parseImpairSpec(spec: string): { seed: number; link: MacImpairments } | string {
  const link: MacImpairments = {};
  let seed = 1;
  for (const part of spec.split(',')) {
    const [key, value, extra] = part.split('=');
    if (value === undefined || extra !== undefined || !/^\d+(\.\d+)?$/.test(value)) return `'${part}' is not KEY=NUMBER`;
    const n = Number(value);
    if (key === 'loss' || key === 'duplicate' || key === 'reorder') {
      if (n > 1) return `${key} must be a probability in [0, 1], got ${value}`;
      link[key] = n;
    } else if (key === 'delay') {
      if (n > 10_000) return `delay must be at most 10000 ms, got ${value}`;
      link.reorderDelayMs = n;
    } else if (key === 'seed') {
      if (!Number.isInteger(n) || n > 0xffffffff) return `seed must be a whole number below 2^32, got ${value}`;
      seed = n;
    } else {
      return `unknown key '${key}' (loss, duplicate, reorder, delay, seed)`;
    }
  }
  return { seed, link };
}
