/**
 * NewReno congestion control in bytes, as a pure state machine:
 * - slow start and congestion avoidance, RFC 5681 §3.1, with appropriate byte counting
 *   (RFC 3465: slow start grows by min(acked, L) with L = 2*MSS, or 1*MSS in the slow
 *   start that follows a retransmission timeout; avoidance grows by one MSS per cwnd of
 *   acknowledged bytes);
 * - fast retransmit / fast recovery, RFC 5681 §3.2, with NewReno's partial-ACK handling and
 *   `recover` guard, RFC 6582 §3.2;
 * - the retransmission-timeout response, RFC 5681 §3.1 equation (4) and the loss window.
 * The caller owns the sequence variables and the timers and tells this class what
 * happened; the return values say when to retransmit.
 */
import { seqGeq } from './seq.js';

export type InitialWindowRule = 'rfc5681' | 'rfc6928';

export interface NewRenoOptions {
  /** Initial window in segments; overrides `initialWindowRule`. */
  initialWindowSegments?: number;
  /**
   * 'rfc5681' (default): 2, 3 or 4 segments depending on the MSS (RFC 5681 §3.1).
   * 'rfc6928': min(10*MSS, max(2*MSS, 14600)).
   */
  initialWindowRule?: InitialWindowRule;
  /**
   * cwnd on leaving fast recovery (RFC 6582 §3.2 step 3): 'flight' (default, option 1)
   * = min(ssthresh, max(FlightSize, MSS) + MSS), which avoids a burst; 'ssthresh' = option 2.
   */
  fullAckCwnd?: 'flight' | 'ssthresh';
  /** RFC 3465 limit L in segments for slow start (default 2, the maximum it allows). */
  abcLimitSegments?: number;
}

export type AckAction = 'none' | 'retransmit-first-unacked';
export type DupAckAction = 'none' | 'fast-retransmit';
/**
 * The answers as constants, returned and compared per ACK: on our XS host (XS 13.3) each
 * evaluation of a string literal copies it into a new chunk, a constant is made once.
 */
export const NO_ACTION = 'none';
export const RETRANSMIT_FIRST_UNACKED = 'retransmit-first-unacked';
export const FAST_RETRANSMIT = 'fast-retransmit';

/** Largest window TCP can express (65535 << 14); also the "arbitrarily high" ssthresh. */
const MAX_WINDOW = 0x3fffc000;
/** The duplicate-ACK threshold, RFC 5681 §3.2. */
const DUP_ACK_THRESHOLD = 3;

/** The initial window in bytes for an MSS, per RFC 5681 §3.1 or RFC 6928 §2. */
export function initialWindow(mss: number, rule: InitialWindowRule = 'rfc5681'): number {
  if (rule === 'rfc6928') return Math.min(10 * mss, Math.max(2 * mss, 14600));
  if (mss > 2190) return 2 * mss;
  if (mss > 1095) return 3 * mss;
  return 4 * mss;
}

function validMss(mss: number): boolean {
  return mss >= 1 && mss <= 65535; // the MSS option is 16 bits
}

export class NewReno {
  private smss: number;
  private window: number;
  private threshold = MAX_WINDOW;
  private recovering = false;
  private recoverSeq: number | undefined = undefined;
  private dupAckCount = 0;
  private partialAckCount = 0;
  /** Acknowledged bytes not yet turned into window growth in congestion avoidance. */
  private bytesAcked = 0;
  /** In the slow start that follows a timeout (RFC 3465: L = 1 MSS). */
  private afterTimeout = false;
  /** Timeouts since new data was last acknowledged (RFC 5681: hold ssthresh on repeats). */
  private timeoutsInRow = 0;
  /** Nothing has happened yet, so a new MSS may recompute the initial window. */
  private pristine = true;
  private readonly iwSegments: number | undefined;
  private readonly iwRule: InitialWindowRule;
  private readonly deflateToFlight: boolean;
  private readonly abcLimit: number;

  constructor(mss: number, o: NewRenoOptions = {}) {
    this.smss = validMss(mss) ? Math.floor(mss) : 536;
    const n = o.initialWindowSegments;
    this.iwSegments = n !== undefined && Number.isFinite(n) && n >= 1 ? Math.floor(n) : undefined;
    this.iwRule = o.initialWindowRule === 'rfc6928' ? 'rfc6928' : 'rfc5681';
    this.deflateToFlight = o.fullAckCwnd !== 'ssthresh';
    const l = o.abcLimitSegments;
    this.abcLimit = l !== undefined && l >= 1 && l <= 2 ? Math.floor(l) : 2;
    this.window = this.iw();
  }

  /** Congestion window, bytes (always >= 1 MSS). */
  get cwnd(): number {
    return this.window;
  }

  /** Slow-start threshold, bytes (always >= 2 MSS). */
  get ssthresh(): number {
    return this.threshold;
  }

  /** In fast recovery (between fast retransmit and the full ACK). */
  get inRecovery(): boolean {
    return this.recovering;
  }

  /** RFC 6582 `recover`: SND.NXT when recovery (or the last timeout) began; undefined before. */
  get recover(): number | undefined {
    return this.recoverSeq;
  }

  /** Consecutive duplicate ACKs seen outside recovery. */
  get duplicateAcks(): number {
    return this.dupAckCount;
  }

  /**
   * Partial ACKs in the current recovery. After the first one the caller also restarts
   * the retransmission timer (RFC 6582 §3.2 step 3, "for the first partial ACK").
   */
  get partialAcks(): number {
    return this.partialAckCount;
  }

  get mss(): number {
    return this.smss;
  }

  /**
   * An ACK advanced SND.UNA to `ack`, acknowledging `ackedBytes` new bytes, while
   * `flightSizeBefore` bytes were outstanding. In recovery, a full ACK (ack >= recover)
   * ends it; a partial ACK deflates cwnd and asks for the first unacknowledged segment to
   * be retransmitted. Outside recovery cwnd grows (slow start or congestion avoidance).
   */
  onAck(ackedBytes: number, ack: number, flightSizeBefore: number): AckAction {
    if (!(ackedBytes > 0)) return NO_ACTION;
    this.pristine = false;
    this.dupAckCount = 0;
    this.timeoutsInRow = 0;
    const mss = this.smss;

    if (this.recovering && this.recoverSeq !== undefined) {
      if (seqGeq(ack, this.recoverSeq)) {
        const flightAfter = Math.max(0, (flightSizeBefore || 0) - ackedBytes);
        this.window = this.deflateToFlight
          ? Math.min(this.threshold, Math.max(flightAfter, mss) + mss)
          : this.threshold;
        this.recovering = false;
        this.partialAckCount = 0;
        this.bytesAcked = 0;
        return NO_ACTION;
      }
      // Partial ACK: deflate by what left the network, add back one MSS if at least one
      // MSS was acknowledged (it also made room for one more segment).
      let w = this.window - ackedBytes;
      if (ackedBytes >= mss) w += mss;
      this.window = Math.max(mss, w);
      this.partialAckCount++;
      return RETRANSMIT_FIRST_UNACKED;
    }

    if (this.window < this.threshold) {
      const limit = (this.afterTimeout ? 1 : this.abcLimit) * mss;
      this.window = Math.min(MAX_WINDOW, this.window + Math.min(ackedBytes, limit));
    } else {
      this.afterTimeout = false;
      this.bytesAcked += ackedBytes;
      if (this.bytesAcked >= this.window) {
        this.bytesAcked -= this.window;
        this.window = Math.min(MAX_WINDOW, this.window + mss);
      }
    }
    return NO_ACTION;
  }

  /**
   * A duplicate ACK (RFC 5681 §2: data outstanding, no payload, no SYN/FIN, ack = SND.UNA,
   * window unchanged) arrived. The third starts fast retransmit, unless the ACK does not
   * cover `recover` (RFC 6582 §3.2 step 2: the duplicates then belong to data sent before
   * the last loss). In recovery each further duplicate inflates cwnd by one MSS.
   */
  onDuplicateAck(flightSize: number, sndNxt: number, sndUna: number): DupAckAction {
    this.pristine = false;
    const mss = this.smss;
    if (this.recovering) {
      this.window = Math.min(MAX_WINDOW, this.window + mss);
      return NO_ACTION;
    }
    this.dupAckCount++;
    if (this.dupAckCount !== DUP_ACK_THRESHOLD) return NO_ACTION;
    if (this.recoverSeq !== undefined && !seqGeq(sndUna, this.recoverSeq)) return NO_ACTION;
    this.threshold = this.halvedFlight(flightSize);
    this.window = this.threshold + DUP_ACK_THRESHOLD * mss;
    this.recoverSeq = sndNxt >>> 0;
    this.recovering = true;
    this.partialAckCount = 0;
    this.bytesAcked = 0;
    this.afterTimeout = false;
    return FAST_RETRANSMIT;
  }

  /**
   * The retransmission timer expired with `flightSize` bytes outstanding. ssthresh =
   * max(FlightSize/2, 2*MSS) (RFC 5681 eq. 4) unless this is a repeated timeout with no
   * new data acknowledged in between (then it is held); cwnd = 1 MSS (the loss window);
   * recovery ends. `sndNxt`, when given, becomes `recover` (RFC 6582 §3.2 step 4).
   */
  onRetransmitTimeout(flightSize: number, sndNxt?: number): void {
    this.pristine = false;
    if (this.timeoutsInRow === 0) this.threshold = this.halvedFlight(flightSize);
    this.timeoutsInRow++;
    this.window = this.smss;
    this.recovering = false;
    this.partialAckCount = 0;
    this.dupAckCount = 0;
    this.bytesAcked = 0;
    this.afterTimeout = true;
    if (sndNxt !== undefined) this.recoverSeq = sndNxt >>> 0;
  }

  /**
   * The connection was idle for longer than an RTO: cwnd = min(IW, cwnd) before sending
   * again (RFC 5681 §4.1, restart window).
   */
  restartAfterIdle(): void {
    this.window = Math.max(this.smss, Math.min(this.iw(), this.window));
  }

  /**
   * The effective send MSS changed (e.g. from the peer's MSS option). Before any ACK or
   * loss the initial window is recomputed; afterwards the invariants are restored
   * (cwnd >= 1 MSS, ssthresh >= 2 MSS). Invalid values are ignored.
   */
  setMss(mss: number): void {
    if (!validMss(mss)) return;
    this.smss = Math.floor(mss);
    if (this.pristine) {
      this.window = this.iw();
      return;
    }
    this.window = Math.max(this.window, this.smss);
    this.threshold = Math.max(this.threshold, 2 * this.smss);
  }

  private iw(): number {
    const bytes = this.iwSegments !== undefined
      ? this.iwSegments * this.smss
      : initialWindow(this.smss, this.iwRule);
    return Math.min(MAX_WINDOW, bytes);
  }

  private halvedFlight(flightSize: number): number {
    const half = flightSize > 0 ? Math.floor(flightSize / 2) : 0;
    return Math.max(half, 2 * this.smss);
  }
}
