/**
 * RFC 5961 protections against blind in-window attacks, as pure decisions, plus the
 * challenge-ACK rate limit of §7.
 *
 * A fixed global budget per second is itself a side channel (CVE-2016-5696: an off-path
 * attacker counts the challenge ACKs it can still provoke); given a RandomSource, the
 * budget of each interval is drawn at random around the configured rate, as Linux does
 * since that report.
 */
import type { RandomSource } from '../../host/random.js';
import { seqAdd, seqDiff, seqInWindow } from './seq.js';

export interface ChallengeAckOptions {
  /** Challenge ACKs allowed per 1 s interval, for the whole stack; default 10. */
  perSecond?: number;
  /** When given, each interval's budget is uniform in [⌊perSecond/2⌋, ⌊perSecond/2⌋ + perSecond]. */
  random?: RandomSource;
}

const INTERVAL_MS = 1000;

/** RFC 5961 §7: at most N challenge ACKs per second, for the whole stack. */
export class ChallengeAckLimiter {
  private readonly perSecond: number;
  private readonly random: RandomSource | undefined;
  private intervalStart = 0;
  private started = false;
  private budget = 0;
  private used = 0;

  constructor(o: ChallengeAckOptions = {}) {
    const n = o.perSecond;
    this.perSecond = n !== undefined && n >= 0 && Number.isFinite(n) ? Math.floor(n) : 10;
    this.random = o.random;
  }

  /** May a challenge ACK be sent at `now` (ms)? Counts it when so. */
  allow(now: number): boolean {
    if (!this.started || now - this.intervalStart >= INTERVAL_MS || now < this.intervalStart) {
      this.started = true;
      this.intervalStart = now;
      this.used = 0;
      this.budget = this.drawBudget();
    }
    if (this.used >= this.budget) return false;
    this.used++;
    return true;
  }

  private drawBudget(): number {
    if (this.random === undefined || this.perSecond === 0) return this.perSecond;
    const half = Math.floor(this.perSecond / 2);
    return half + (this.random.nextU32() % (this.perSecond + 1));
  }
}

export type RstClass = 'exact' | 'in-window' | 'outside';
export type AckClass = 'new' | 'duplicate' | 'old' | 'unacceptable';

/*
 * The classes as constants, returned and compared per segment: on our XS host (XS 13.3)
 * each evaluation of a string literal copies it into a new chunk, a constant is made once.
 */
export const RST_EXACT = 'exact';
export const RST_IN_WINDOW = 'in-window';
export const RST_OUTSIDE = 'outside';
export const ACK_NEW = 'new';
export const ACK_DUPLICATE = 'duplicate';
export const ACK_OLD = 'old';
export const ACK_UNACCEPTABLE = 'unacceptable';

/**
 * RFC 5961 §3.2 for a RST in a synchronized state: 'exact' (seq = RCV.NXT) resets the
 * connection; 'in-window' (RCV.NXT < seq < RCV.NXT + RCV.WND) gets a challenge ACK;
 * 'outside' is dropped silently.
 */
export function classifyRst(seq: number, rcvNxt: number, rcvWnd: number): RstClass {
  if ((seq >>> 0) === (rcvNxt >>> 0)) return RST_EXACT;
  return seqInWindow(seq, rcvNxt, rcvWnd) ? RST_IN_WINDOW : RST_OUTSIDE;
}

/**
 * RFC 5961 §5.2 ACK acceptability: SND.UNA − MAX.SND.WND <= SEG.ACK <= SND.NXT.
 * 'new' advances SND.UNA; 'duplicate' equals it; 'old' is acceptable but behind it (ignore
 * the ACK field, process the rest); 'unacceptable' (too old, or acknowledging data never
 * sent) means drop the segment and send an ACK (rate-limited like a challenge ACK).
 */
export function classifyAck(ack: number, sndUna: number, sndNxt: number, maxSndWnd: number): AckClass {
  const a = ack >>> 0;
  const una = sndUna >>> 0;
  if (a === una) return ACK_DUPLICATE;
  const ahead = seqDiff(a, una);
  if (ahead > 0) return ahead <= seqDiff(sndNxt, una) ? ACK_NEW : ACK_UNACCEPTABLE;
  const oldest = seqAdd(una, -Math.max(0, Math.floor(maxSndWnd)));
  return seqDiff(a, oldest) >= 0 ? ACK_OLD : ACK_UNACCEPTABLE;
}
