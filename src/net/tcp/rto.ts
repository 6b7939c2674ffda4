/**
 * Retransmission timing: the RFC 6298 estimator (SRTT, RTTVAR, RTO with bounds and
 * exponential back-off) and Karn's rule for which segments may be timed (RFC 6298 §3).
 * Pure: time arrives as millisecond arguments; nothing here schedules anything.
 *
 * µTasker's fixed 3 s retransmission timer is not a mode of this module: a caller that
 * wants it simply does not use the estimator.
 */
import { seqGeq, seqLeq } from './seq.js';

export interface RtoOptions {
  /** RTO before the first sample, RFC 6298 (2.1): 1000 ms. */
  initialMs?: number;
  /** Lower bound, RFC 6298 (2.4): 1000 ms. */
  minMs?: number;
  /** Upper bound, RFC 6298 (2.5): at least 60 s is allowed; default 60000 ms. */
  maxMs?: number;
  /** Clock granularity G of (2.2)/(2.3): the tick at which timers fire; default 50 ms. */
  granularityMs?: number;
}

const DEFAULT_INITIAL_MS = 1000;
const DEFAULT_MIN_MS = 1000;
const DEFAULT_MAX_MS = 60000;
const DEFAULT_GRANULARITY_MS = 50;
/** RFC 6298 §2: alpha = 1/8, beta = 1/4, K = 4. */
const ALPHA = 1 / 8;
const BETA = 1 / 4;
const K = 4;

function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && value >= 0 && Number.isFinite(value) ? value : fallback;
}

/** RFC 6298 §2 and §5.5. All values in milliseconds. */
export class RtoEstimator {
  private readonly initialMs: number;
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly granularityMs: number;
  private srtt: number | undefined = undefined;
  private rttvar = 0;
  private rto: number;
  private backoffCount = 0;

  constructor(o: RtoOptions = {}) {
    this.minMs = nonNegative(o.minMs, DEFAULT_MIN_MS);
    this.maxMs = Math.max(this.minMs, nonNegative(o.maxMs, DEFAULT_MAX_MS));
    this.initialMs = nonNegative(o.initialMs, DEFAULT_INITIAL_MS);
    this.granularityMs = nonNegative(o.granularityMs, DEFAULT_GRANULARITY_MS);
    this.rto = this.bound(this.initialMs);
  }

  /** The current retransmission timeout, whole milliseconds (rounded up), within [min, max]. */
  get rtoMs(): number {
    return this.rto;
  }

  /** Smoothed RTT, undefined until the first sample. */
  get srttMs(): number | undefined {
    return this.srtt;
  }

  /** RTT variation (0 until the first sample). */
  get rttvarMs(): number {
    return this.rttvar;
  }

  /** How many times `backoff()` doubled the RTO since the last sample or reset. */
  get backoffs(): number {
    return this.backoffCount;
  }

  /**
   * Feeds one RTT measurement R (from a segment that was not retransmitted: Karn).
   * First sample (2.2): SRTT = R, RTTVAR = R/2. Later (2.3): RTTVAR from the old SRTT,
   * then SRTT. RTO = SRTT + max(G, K*RTTVAR), bounded. Invalid samples are ignored.
   */
  sample(rttMs: number): void {
    if (!(rttMs >= 0) || !Number.isFinite(rttMs)) return;
    if (this.srtt === undefined) {
      this.srtt = rttMs;
      this.rttvar = rttMs / 2;
    } else {
      this.rttvar = (1 - BETA) * this.rttvar + BETA * Math.abs(this.srtt - rttMs);
      this.srtt = (1 - ALPHA) * this.srtt + ALPHA * rttMs;
    }
    this.backoffCount = 0;
    this.rto = this.bound(this.srtt + Math.max(this.granularityMs, K * this.rttvar));
  }

  /** The retransmission timer expired: RTO doubles, capped at the maximum (5.5). */
  backoff(): void {
    this.backoffCount++;
    this.rto = this.bound(this.rto * 2);
  }

  /**
   * Forgets all measurements (new connection). `initialMs` overrides the configured
   * initial RTO once, e.g. 3000 for RFC 6298 (5.7): after the SYN or SYN+ACK timed out,
   * data transfer starts from an RTO of 3 s.
   */
  reset(initialMs?: number): void {
    this.srtt = undefined;
    this.rttvar = 0;
    this.backoffCount = 0;
    this.rto = this.bound(nonNegative(initialMs, this.initialMs));
  }

  private bound(ms: number): number {
    return Math.min(this.maxMs, Math.max(this.minMs, Math.ceil(ms)));
  }
}

/**
 * Karn's algorithm (RFC 6298 §3): one segment at a time is timed; the measurement is
 * dropped when anything is retransmitted, and segments that were sent before (a
 * go-back-N resend after a timeout) are never timed.
 */
export class RttSampler {
  private active = false;
  private timedSeqEnd = 0;
  private startedAt = 0;
  /** Segments ending at or before this sequence number have been sent before. */
  private retransmittedUpTo: number | undefined = undefined;

  /** True while a segment is being timed. */
  get timing(): boolean {
    return this.active;
  }

  /**
   * A segment ending at `seqEnd` (its last sequence number + 1) was sent at `now`.
   * It is timed only if nothing else is, and if it is not a resend of old data.
   */
  start(seqEnd: number, now: number): void {
    if (this.active) return;
    if (this.retransmittedUpTo !== undefined) {
      if (seqLeq(seqEnd, this.retransmittedUpTo)) return;
      this.retransmittedUpTo = undefined;
    }
    this.active = true;
    this.timedSeqEnd = seqEnd >>> 0;
    this.startedAt = now;
  }

  /**
   * An ACK arrived at `now`. When it covers the timed segment, the measurement ends and
   * the RTT (ms, >= 0) is returned for `RtoEstimator.sample`; otherwise undefined.
   */
  onAck(ack: number, now: number): number | undefined {
    if (!this.active || !seqGeq(ack, this.timedSeqEnd)) return undefined;
    this.active = false;
    const rtt = now - this.startedAt;
    return rtt >= 0 ? rtt : 0;
  }

  /**
   * Something was retransmitted: the running measurement is discarded. `sndMax` (the
   * highest sequence number sent so far + 1), when given, also stops the sampler from
   * timing any later resend of data below it.
   */
  onRetransmit(sndMax?: number): void {
    this.active = false;
    if (sndMax !== undefined) this.retransmittedUpTo = sndMax >>> 0;
  }

  /** Forgets everything (new connection). */
  reset(): void {
    this.active = false;
    this.retransmittedUpTo = undefined;
  }
}
