/**
 * What happens when a socket's deadline passes (µTasker's fnPollTCP, but driven by
 * per-socket deadlines instead of a 1 s poll): retransmission or abort, idle close,
 * FIN_WAIT_2 limit, end of TIME_WAIT, zero-window persist, silly-window override,
 * repeated window update.
 */
import { forceSend, onBufferedTimeout, sendWindowProbe, startPersist } from './buffered.js';
import { CONNECTION_GONE, type TcpCore } from './core.js';
import { onWindowUpdateTimer, peerMidTransfer } from './window-update.js';
import { RTO_RFC6298 } from './config.js';
import { seqDiff } from './seq.js';
import type { TcpSocket } from './socket.js';
import { TcpEvent, TcpState } from './types.js';
import { CNT_TCP_FIN_WAIT_2_TIMEOUTS, CNT_TCP_IDLE_EXTENSIONS, CNT_TCP_IDLE_TIMEOUTS, CNT_TCP_RETRANSMISSIONS, CNT_TCP_TIMEOUTS } from '../counter-ids.js';

function due(at: number | undefined, now: number): boolean {
  return at !== undefined && at <= now;
}

/**
 * Handles every deadline that has passed. One pass over the pool; each socket's handlers
 * run in priority order. The pass also makes `core.earliest` exact again: it starts
 * empty, each socket's remaining deadline is folded in after its handlers, and any
 * deadline a handler sets (on any socket) lowers it through core.deadline.
 */
export function processTimers(core: TcpCore): void {
  const now = core.now();
  core.earliest = undefined;
  const sockets = core.sockets;
  for (let i = 0; i < sockets.length; i++) {
    const s = sockets[i];
    handleDue(core, s, now);
    const next = s.nextDeadline();
    if (next !== undefined) core.deadline(next);
  }
}

/** Runs the handlers of the socket's deadlines that have passed, in priority order. */
function handleDue(core: TcpCore, s: TcpSocket, now: number): void {
  const next = s.nextDeadline();
  if (next === undefined || next > now) return;
  // Each handler answers whether the connection goes on (false: it ended, or its
  // listener gave the socket up); the socket's later deadlines then belong to nobody.
  if (due(s.persistAt, now) && !onPersist(core, s)) return;
  if (due(s.idleAt, now) && !onIdle(core, s)) return;
  if (due(s.rtxAt, now) && !onRetransmitTimer(core, s)) return;
  if (due(s.finWait2At, now) && !onFinWait2Limit(core, s)) return;
  if (due(s.timeWaitAt, now) && !onTimeWaitEnd(core, s)) return;
  if (due(s.swsAt, now)) {
    s.swsAt = undefined;
    forceSend(core, s);
  }
  if (due(s.delAckAt, now)) {
    s.delAckAt = undefined;
    if (s.ackPending) core.sendAckNow(s);
  }
  if (due(s.wndUpdateAt, now)) onWindowUpdateTimer(core, s);
}

/** Zero-window persist: buffered sockets probe by themselves, simple ones get TCP_WINDOW_PROBE. */
function onPersist(core: TcpCore, s: TcpSocket): boolean {
  s.persistAt = undefined;
  if ((s.state !== TcpState.Established && s.state !== TcpState.CloseWait) || s.sndWnd !== 0) return true;
  s.persistBackoff++;
  if (s.tx !== undefined) sendWindowProbe(core, s);
  else if (core.notifyPeer(s, TcpEvent.WindowProbe) === CONNECTION_GONE) return false;
  if (s.sndWnd === 0) startPersist(core, s);
  return true;
}

/**
 * Idle timeout (fnGetTCP_Socket / fnTCP_IdleTimeout): the stack closes the connection
 * (FIN, or FIN after the outstanding data) and tells the listener TCP_EVENT_CLOSE.
 */
function onIdle(core: TcpCore, s: TcpSocket): boolean {
  s.idleAt = undefined;
  if (s.state !== TcpState.Established && s.state !== TcpState.CloseWait) return true;
  // A close is already under way (fnTCP_close, or an earlier expiry, while data was still
  // unacknowledged): its FIN follows that data and the retransmission timer bounds the
  // wait, so there is nothing to close and nothing new to report.
  if (s.closePending) return true;
  if (s.state === TcpState.Established && peerMidTransfer(core, s) && s.idleExtensions < core.config.retries) {
    // Not idle: the peer owes us data and its timer has backed off. Another idle period,
    // at most TCP_DEF_RETRIES in a row, so a peer that died mid-transfer is still closed.
    s.idleExtensions++;
    core.counters.inc(CNT_TCP_IDLE_EXTENSIONS);
    s.idleAt = core.deadline(core.now() + s.idleTimeoutS * 1000);
    return true;
  }
  core.counters.inc(CNT_TCP_IDLE_TIMEOUTS);
  core.close(s);
  // In CLOSE_WAIT the application already had TCP_EVENT_CLOSE (the peer's FIN); it is not repeated.
  if (s.closeReported) return true;
  s.closeReported = true;
  return core.notifyPeer(s, TcpEvent.Close) !== CONNECTION_GONE;
}

function onRetransmitTimer(core: TcpCore, s: TcpSocket): boolean {
  s.rtxAt = undefined;
  if (!needsRetransmission(s)) return true;
  if (s.retriesLeft <= 0) {
    core.counters.inc(CNT_TCP_TIMEOUTS);
    core.abort(s, true);
    return false;
  }
  s.retriesLeft--;
  s.rtxCount++;
  if (core.config.rtoMode === RTO_RFC6298) s.rto.backoff();
  switch (s.state) {
    case TcpState.SynSent:
      countRetransmission(core, s);
      core.sendSyn(s);
      core.armRetransmit(s);
      return true;
    case TcpState.SynReceived:
      countRetransmission(core, s);
      core.sendSynAck(s);
      core.armRetransmit(s);
      return true;
    case TcpState.Established:
    case TcpState.CloseWait:
      countRetransmission(core, s);
      return s.tx !== undefined ? onBufferedTimeout(core, s) : regenerate(core, s);
    case TcpState.FinWait1:
    case TcpState.Closing:
    case TcpState.LastAck:
      countRetransmission(core, s);
      core.sendFin(s);
      core.armRetransmit(s);
      return true;
    default:
      return true;
  }
}

function needsRetransmission(s: TcpSocket): boolean {
  switch (s.state) {
    case TcpState.SynSent:
    case TcpState.SynReceived:
      return true;
    case TcpState.Established:
    case TcpState.CloseWait:
      return seqDiff(s.sndMax, s.sndUna) > 0;
    case TcpState.FinWait1:
    case TcpState.Closing:
    case TcpState.LastAck:
      return s.finSent && s.sndUna !== s.sndMax;
    default:
      return false;
  }
}

function countRetransmission(core: TcpCore, s: TcpSocket): void {
  s.retransmissions++;
  core.counters.inc(CNT_TCP_RETRANSMISSIONS);
  s.rtt.onRetransmit(s.sndMax);
}

/**
 * Simple TCP keeps no copy of its data: SND.NXT goes back to the start of the
 * application's unacknowledged block and TCP_EVENT_REGENERATE asks for those bytes again
 * (docs/tcp-states.md, "Simple TCP and regeneration"). A zero answer means the application cannot: the connection is aborted.
 * Also used when a zero window reopens while a block is outstanding (input-synchronized.ts).
 */
export function regenerate(core: TcpCore, s: TcpSocket): boolean {
  const length = seqDiff(s.sndMax, s.blockStart);
  s.sndNxt = s.blockStart;
  s.inRegenerate = true;
  const answer = core.notify(s, TcpEvent.Regenerate, null, length);
  s.inRegenerate = false;
  if (answer === CONNECTION_GONE) return false;
  if (answer === 0) {
    core.abort(s, true);
    return false;
  }
  core.armRetransmit(s);
  return true;
}

/** FIN_WAIT_2 gave up waiting for the partner's FIN: RST and TCP_EVENT_ABORT (docs/tcp-states.md). */
function onFinWait2Limit(core: TcpCore, s: TcpSocket): boolean {
  s.finWait2At = undefined;
  if (s.state !== TcpState.FinWait2) return true;
  core.counters.inc(CNT_TCP_FIN_WAIT_2_TIMEOUTS);
  core.abort(s, true);
  return false;
}

/** TIME_WAIT is over: CLOSED, without an event (TCP_EVENT_CLOSED came on entry). */
function onTimeWaitEnd(core: TcpCore, s: TcpSocket): boolean {
  s.timeWaitAt = undefined;
  if (s.state !== TcpState.TimeWait) return true;
  core.endConnection(s, TcpState.Closed);
  return false;
}
