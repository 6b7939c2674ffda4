/**
 * Repeating the window update that reopens our receive window (docs/deviations.md).
 *
 * A window below one segment holds the peer back: it sends nothing and probes instead,
 * with a persist timer that backs off (Linux's up to 120 s). The ACK that reopens the
 * window carries no data, so nobody retransmits it: if it is lost, the peer only learns
 * of the window at its next probe, which may come after our idle timeout has closed the
 * connection. So when the window reopens we send the update again after our RTO,
 * doubling, until data shows the peer has seen it, the window closes again, or
 * TCP_DEF_RETRIES repeats have gone. Nothing here runs per received segment: output.ts
 * reports the reopening, the timer decides at expiry.
 */
import type { TcpCore } from './core.js';
import type { TcpSocket } from './socket.js';
import { seqGt, seqLeq } from './seq.js';
import { TcpState } from './types.js';
import { CNT_TCP_WINDOW_UPDATE_REPEATS } from '../counter-ids.js';

/**
 * The window below which the peer may be held back: one segment of the MSS we announced
 * (a sender's silly-window avoidance waits for that much), or the whole receive buffer
 * when that is smaller.
 */
export function blockingWindow(mss: number, bufferSize: number): number {
  return mss < bufferSize ? mss : bufferSize;
}

/** A segment just advertised a window that lets the peer send again after one that did not. */
export function windowReopened(core: TcpCore, s: TcpSocket): void {
  if (s.state !== TcpState.Established) return;
  s.wndUpdateRepeats = 0;
  s.wndUpdateRcvNxt = s.rcvNxt;
  s.wndUpdateAt = core.deadline(core.now() + core.rtoFor(s));
}

/** The window-update timer expired: send the update again unless it is no longer needed. */
export function onWindowUpdateTimer(core: TcpCore, s: TcpSocket): void {
  s.wndUpdateAt = undefined;
  if (s.state !== TcpState.Established || s.rcvNxt !== s.wndUpdateRcvNxt) return;
  if (core.receiveWindow(s) < blockingWindow(core.config.mss, s.rcvBufferSize) || s.wndUpdateRepeats >= core.config.retries) return;
  s.wndUpdateRepeats++;
  core.counters.inc(CNT_TCP_WINDOW_UPDATE_REPEATS);
  core.sendAckNow(s);
  const interval = Math.min(core.config.rtoMaxMs, core.rtoFor(s) * 2 ** s.wndUpdateRepeats);
  s.wndUpdateAt = core.deadline(core.now() + interval);
}

/**
 * The peer has data on its way that we know of: it has sent data beyond a gap (held in
 * the reassembly queue or dropped there for want of room) or a bare ACK numbered beyond
 * RCV.NXT, so it must resend what is missing; our zero window holds it back (it is in persist: a window above zero is
 * probed with data, which reloads the idle timer); or our window has just reopened. Its
 * timer may have backed off to minutes (Linux's retransmission and persist timers go up
 * to 120 s, µTasker's idle timeout is 120 s).
 */
export function peerMidTransfer(core: TcpCore, s: TcpSocket): boolean {
  // RCV.HIGH is valid only between RCV.NXT and our window's right edge (the peer cannot
  // send beyond it); one left far behind by in-order data falls outside.
  const edge = s.rcvAdvEdge;
  if (edge !== undefined && seqGt(s.rcvHigh, s.rcvNxt) && seqLeq(s.rcvHigh, edge)) return true;
  return s.wndUpdateAt !== undefined || core.receiveWindow(s) === 0;
}
