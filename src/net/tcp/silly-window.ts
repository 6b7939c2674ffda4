/**
 * Silly-window-syndrome avoidance, RFC 1122 §4.2.3.3 (receiver) and §4.2.3.4 (sender),
 * restated in RFC 9293 §3.8.6.2, as pure functions. The fractions are the RFCs' suggested
 * Fr = 1/2 and Fs = 1/2.
 */
import { seqDiff } from './seq.js';

export interface ReceiveWindowInput {
  /** Free receive-buffer space now: RCV.BUFF − RCV.USER. */
  freeSpace: number;
  /** RCV.NXT + RCV.WND as last advertised (a sequence number); undefined before the first. */
  lastAdvertisedRightEdge: number | undefined;
  rcvNxt: number;
  /** Eff.snd.MSS: the largest segment the peer will send us. */
  mss: number;
  /** RCV.BUFF: the whole receive buffer. */
  bufferSize: number;
}

/**
 * The window to advertise (RFC 1122 §4.2.3.3): the right edge moves right only when it
 * gains at least min(bufferSize/2, mss) bytes; otherwise it stays where it was, so the
 * window shrinks by what has arrived instead of growing in silly steps. The right edge
 * never moves left. The caller still limits the result to what the header can carry
 * (65535 without window scaling).
 */
export function advertisableWindow(o: ReceiveWindowInput): number {
  return advertisableWindowOf(o.freeSpace, o.lastAdvertisedRightEdge, o.rcvNxt, o.mss, o.bufferSize);
}

/** `advertisableWindow` with positional arguments: the segment path builds no object. */
export function advertisableWindowOf(freeSpace: number, lastAdvertisedRightEdge: number | undefined, rcvNxt: number, mss: number, bufferSize: number): number {
  const free = freeSpace > 0 ? Math.floor(freeSpace) : 0;
  if (lastAdvertisedRightEdge === undefined) return free;
  // Window that keeps the old right edge (0 if RCV.NXT has reached or passed it).
  const kept = Math.max(0, seqDiff(lastAdvertisedRightEdge, rcvNxt));
  const gain = free - kept;
  const threshold = Math.min(Math.max(0, bufferSize) / 2, Math.max(1, mss));
  return gain >= threshold ? free : kept;
}

export interface SendDecisionInput {
  /** Bytes queued and not yet sent (D). */
  available: number;
  /** Usable window: min(SND.UNA + SND.WND, SND.UNA + cwnd) − SND.NXT (U); may be <= 0. */
  usableWindow: number;
  /** Eff.snd.MSS. */
  mss: number;
  /** The largest window the peer has ever advertised (Max(SND.WND)). */
  maxPeerWindow: number;
  /** SND.NXT = SND.UNA. */
  nothingOutstanding: boolean;
  /** The application has nothing more to add for now (PUSH). */
  pushed: boolean;
  /**
   * RFC 1122 makes "nothing outstanding" part of rule (2) when Nagle's algorithm is used;
   * default true. false: pushed data that fits is sent even with data in flight.
   */
  nagle?: boolean;
}

/**
 * How many bytes to send now, 0 to wait (RFC 1122 §4.2.3.4). Sends when
 * (1) a full MSS can go: min(D, U) >= MSS → MSS;
 * (2) the data is pushed, [nothing is outstanding,] and all of it fits: D <= U → D;
 * (3) at least half the peer's largest window can go: min(D, U) >= maxPeerWindow/2.
 * Otherwise the caller waits for an ACK or its override timer (µTasker's
 * `TCP_SILLY_WINDOW_DELAY`), whose expiry forces a send.
 */
export function shouldSend(o: SendDecisionInput): number {
  return sendableNow(o.available, o.usableWindow, o.mss, o.maxPeerWindow, o.nothingOutstanding, o.pushed, o.nagle !== false);
}

/** `shouldSend` with positional arguments (`nagle` required): the segment path builds no object. */
export function sendableNow(available: number, usableWindow: number, segmentSize: number, maxPeerWindow: number,
  nothingOutstanding: boolean, pushed: boolean, nagle: boolean): number {
  const d = available > 0 ? Math.floor(available) : 0;
  const u = usableWindow > 0 ? Math.floor(usableWindow) : 0;
  const mss = Math.max(1, Math.floor(segmentSize));
  const sendable = Math.min(d, u);
  if (sendable === 0) return 0;
  if (sendable >= mss) return mss;
  if (pushed && d <= u && (nothingOutstanding || !nagle)) return d;
  if (maxPeerWindow > 0 && sendable >= maxPeerWindow / 2) return sendable;
  return 0;
}
