import type { SeededRandom } from '../../src/host/random.js';

/**
 * What one direction of a simulated link does to the frames crossing it (like netem, which
 * this machine's kernel lacks). Every field is optional; an empty object is a perfect link.
 */
/** Bytes of the Ethernet header, which corruption leaves alone. */
const ETHERNET_HEADER = 14;

export interface Impairments {
  /** Probability 0..1 that a frame is dropped on the wire. */
  loss?: number;
  /** Probability 0..1 that a frame is delivered twice (the copy takes its own jitter, is never held back and uses no bandwidth). */
  duplicate?: number;
  /** Probability 0..1 that a frame is held back by `reorderDelayMs`, so later frames overtake it. */
  reorder?: number;
  /** Extra delay of a held-back frame; default 2 × delayMs + 1 ms. */
  reorderDelayMs?: number;
  /** Fixed one-way latency in ms (default 0: delivered on the next clock turn). */
  delayMs?: number;
  /** Uniform extra latency in [0, jitterMs) ms; frames may overtake each other as with netem. */
  jitterMs?: number;
  /**
   * Probability 0..1 that one random byte after the Ethernet header is XORed with a
   * non-zero value. The Ethernet header is spared: on a real wire the FCS would drop such
   * a frame, and a damaged source address would mislead the hub's learning.
   */
  corrupt?: number;
  /** Serialisation rate in bit/s (frame bytes × 8, no preamble or FCS); unlimited when absent. */
  bandwidthBps?: number;
  /** Frames waiting to be serialised on a bandwidth-limited link before tail drop (default 1000, like txqueuelen). */
  queueLimit?: number;
}

export const DEFAULT_QUEUE_LIMIT = 1000;

/** Why the simulated LAN dropped a frame. */
export type DropReason = 'loss' | 'queue-full' | 'rx-queue-full' | 'link-down' | 'runt';

/** Counters kept for one direction pass; the LAN adds them to the port's statistics. */
export interface ImpairmentCounters {
  dropped: Record<DropReason, number>;
  duplicated: number;
  reordered: number;
  corrupted: number;
}

/** Fate of one frame on a link, filled in by `ImpairedLink.pass` into a caller-owned object. */
export interface LinkVerdict {
  /** Set when the frame does not come out of the link at all. */
  dropped: DropReason | undefined;
  /** Time the frame comes out of the link (when not dropped). */
  arrivalMs: number;
  /** Time a duplicate comes out, or undefined when there is none. */
  duplicateArrivalMs: number | undefined;
}

/**
 * Random numbers drawn per frame, whatever the configuration: a port's loss pattern for
 * its n-th frame then depends only on n, not on which other impairments are switched on.
 */
const DRAWS_PER_FRAME = 8;

/**
 * Checks an impairment set. Returns undefined when it is valid, or a reason. Configuration
 * errors are the test author's mistake, so the LAN throws them; frames never do.
 */
export function checkImpairments(imp: Impairments): string | undefined {
  const probabilities: (keyof Impairments)[] = ['loss', 'duplicate', 'reorder', 'corrupt'];
  for (const key of probabilities) {
    const p = imp[key];
    if (p !== undefined && !(p >= 0 && p <= 1)) return `${key} must be a probability in [0, 1], got ${p}`;
  }
  const durations: (keyof Impairments)[] = ['delayMs', 'jitterMs', 'reorderDelayMs'];
  for (const key of durations) {
    const ms = imp[key];
    if (ms !== undefined && !(ms >= 0 && Number.isFinite(ms))) return `${key} must be a finite number >= 0, got ${ms}`;
  }
  if (imp.bandwidthBps !== undefined && !(imp.bandwidthBps > 0)) {
    return `bandwidthBps must be > 0, got ${imp.bandwidthBps}`;
  }
  if (imp.queueLimit !== undefined && !(Number.isInteger(imp.queueLimit) && imp.queueLimit >= 0)) {
    return `queueLimit must be an integer >= 0, got ${imp.queueLimit}`;
  }
  return undefined;
}

export function newImpairmentCounters(): ImpairmentCounters {
  return {
    dropped: { loss: 0, 'queue-full': 0, 'rx-queue-full': 0, 'link-down': 0, runt: 0 },
    duplicated: 0,
    reordered: 0,
    corrupted: 0,
  };
}

/**
 * One direction of one port's link: decides, with its own seeded generator, whether a
 * frame is dropped, corrupted, duplicated or held back, and when it comes out. The order
 * is that of a real wire: the transmit queue (tail drop), serialisation at the bit rate,
 * then loss, corruption and duplication on the way, then latency.
 */
export class ImpairedLink {
  private loss = 0;
  private duplicate = 0;
  private reorder = 0;
  private reorderDelayMs = 1;
  private delayMs = 0;
  private jitterMs = 0;
  private corrupt = 0;
  private bandwidthBps = Infinity;
  private queueLimit = DEFAULT_QUEUE_LIMIT;
  // Serialisation state: when the wire is free again, and the start times of frames still
  // waiting for it (FIFO, so the start times increase; `waitingHead` is the oldest one).
  private busyUntilMs = 0;
  private waitingStarts: number[] = [];
  private waitingHead = 0;
  private readonly draws = new Float64Array(DRAWS_PER_FRAME);

  constructor(
    private readonly random: SeededRandom,
    private readonly counters: ImpairmentCounters,
    impairments: Impairments = {},
  ) {
    this.configure(impairments);
  }

  /** Replaces the impairments; a frame already on the wire keeps its schedule. Throws RangeError when invalid. */
  configure(imp: Impairments): void {
    const problem = checkImpairments(imp);
    if (problem !== undefined) throw new RangeError(`Impairments: ${problem}`);
    this.loss = imp.loss ?? 0;
    this.duplicate = imp.duplicate ?? 0;
    this.reorder = imp.reorder ?? 0;
    this.delayMs = imp.delayMs ?? 0;
    this.jitterMs = imp.jitterMs ?? 0;
    this.reorderDelayMs = imp.reorderDelayMs ?? 2 * this.delayMs + 1;
    this.corrupt = imp.corrupt ?? 0;
    this.bandwidthBps = imp.bandwidthBps ?? Infinity;
    this.queueLimit = imp.queueLimit ?? DEFAULT_QUEUE_LIMIT;
  }

  /**
   * Decides the fate of `frame` entering the link at `nowMs`. May corrupt `frame` in place
   * (the caller owns that copy). Always consumes DRAWS_PER_FRAME random numbers.
   */
  pass(frame: Uint8Array, nowMs: number, verdict: LinkVerdict): void {
    const d = this.draws;
    for (let i = 0; i < DRAWS_PER_FRAME; i++) d[i] = this.random.nextFloat();
    verdict.dropped = undefined;
    verdict.duplicateArrivalMs = undefined;
    verdict.arrivalMs = nowMs;

    let leavesMs = nowMs;
    if (this.bandwidthBps !== Infinity) {
      const start = Math.max(nowMs, this.busyUntilMs);
      if (start > nowMs) {
        if (this.framesWaiting(nowMs) >= this.queueLimit) {
          this.drop(verdict, 'queue-full');
          return;
        }
        this.waitingStarts.push(start);
      }
      leavesMs = start + (frame.length * 8 * 1000) / this.bandwidthBps;
      this.busyUntilMs = leavesMs;
    }

    if (d[0] < this.loss) {
      this.drop(verdict, 'loss');
      return;
    }
    if (d[3] < this.corrupt && frame.length > ETHERNET_HEADER) {
      const index = ETHERNET_HEADER + Math.floor(d[4] * (frame.length - ETHERNET_HEADER));
      frame[index] ^= 1 + Math.floor(d[5] * 255); // 1..255: the byte always changes
      this.counters.corrupted++;
    }
    let arrival = leavesMs + this.delayMs + d[6] * this.jitterMs;
    if (d[2] < this.reorder) {
      arrival += this.reorderDelayMs;
      this.counters.reordered++;
    }
    verdict.arrivalMs = arrival;
    if (d[1] < this.duplicate) {
      verdict.duplicateArrivalMs = leavesMs + this.delayMs + d[7] * this.jitterMs;
      this.counters.duplicated++;
    }
  }

  private drop(verdict: LinkVerdict, reason: DropReason): void {
    verdict.dropped = reason;
    this.counters.dropped[reason]++;
  }

  /** Frames accepted but not yet started serialising at `nowMs`. */
  private framesWaiting(nowMs: number): number {
    const starts = this.waitingStarts;
    while (this.waitingHead < starts.length && starts[this.waitingHead] <= nowMs) this.waitingHead++;
    if (this.waitingHead === starts.length) {
      starts.length = 0;
      this.waitingHead = 0;
    } else if (this.waitingHead > 1024 && this.waitingHead * 2 > starts.length) {
      starts.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
    return starts.length - this.waitingHead;
  }
}

/**
 * A 32-bit seed for one random stream of the LAN (port index, direction), well mixed so
 * neighbouring ports get unrelated sequences (murmur3's finaliser).
 */
export function deriveSeed(lanSeed: number, portIndex: number, stream: number): number {
  let h = (lanSeed >>> 0) ^ Math.imul(portIndex + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x7f4a7c15);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0 || 1;
}
