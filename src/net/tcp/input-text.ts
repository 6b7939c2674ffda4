/**
 * "Seventh, process the segment text" and "eighth, check the FIN bit" (RFC 9293
 * §3.10.7.4): in-order data goes to the listener as TCP_EVENT_DATA, out-of-order data to
 * the reassembly queue (answered with a duplicate ACK), and the peer's FIN — at once, or
 * once the gap before a held one fills — gives TCP_EVENT_CLOSE (ESTABLISHED), CLOSING, or
 * TIME_WAIT with TCP_EVENT_CLOSED (docs/tcp-states.md).
 */
import { TCP_FIN, type TcpSegment } from '../wire/tcp.js';
import { CONNECTION_GONE, type TcpCore } from './core.js';
import { ReassemblyQueue } from './reassembly.js';
import { seqAdd, seqDiff, seqGt, seqLt } from './seq.js';
import type { TcpSocket } from './socket.js';
import { AppResult, TcpEvent, TcpState } from './types.js';
import { CNT_TCP_IN_DISCARDED_BYTES, CNT_TCP_IN_FIN_REJECTED, CNT_TCP_IN_OUT_OF_ORDER, CNT_TCP_IN_REJECTED_SEGMENTS } from '../counter-ids.js';

const EMPTY = new Uint8Array(0);
/** Bound on deliveries from the reassembly queue after one segment. */
const MAX_QUEUED_DELIVERIES = 64;

/** What a delivery came to (numbers: a string literal allocates per evaluation on XS 13.3). */
const DELIVERED = 0;
const REJECTED = 1;
const GONE = 2;
type Delivery = typeof DELIVERED | typeof REJECTED | typeof GONE;

/** Returns false when the connection ended or its listener gave the socket up. */
export function receiveText(core: TcpCore, s: TcpSocket, seg: TcpSegment, wnd: number, textAllowed: boolean): boolean {
  let fin = (seg.flags & TCP_FIN) !== 0;
  if (!textAllowed) {
    if (seg.payload.length > 0 || fin) core.sendAck(s);
    // A probe into our zero window: the peer is alive (µTasker reloads the idle timer too).
    core.reloadIdle(s);
    return true;
  }
  const finSeq = seqAdd(seg.seq, seg.payload.length);
  if (seg.payload.length > 0 && afterOurFin(s.state) && !core.config.deliverDataAfterFin) {
    return withholdDataAfterFin(core, s, seg, fin, finSeq);
  }
  let seq = seg.seq;
  let payload = acceptsData(s.state) ? seg.payload : EMPTY;
  // Drop what we already have, and what lies beyond the window.
  if (payload.length > 0 && seqLt(seq, s.rcvNxt)) {
    const skip = seqDiff(s.rcvNxt, seq);
    payload = skip >= payload.length ? EMPTY : payload.subarray(skip);
    seq = s.rcvNxt;
  }
  const room = Math.max(0, seqDiff(seqAdd(s.rcvNxt, wnd), seq));
  if (payload.length > room) {
    payload = payload.subarray(0, room);
    fin = false;
  }
  if (seqGt(seq, s.rcvNxt)) {
    // Numbered beyond RCV.NXT (out-of-order data, or a bare ACK carrying the peer's
    // SND.NXT): the peer has sent more than has arrived and must resend it (window-update.ts).
    const end = seqAdd(seq, payload.length);
    if (seqGt(end, s.rcvHigh)) s.rcvHigh = end;
  }
  let result: Delivery = DELIVERED;
  // A segment that fills a gap is acknowledged at once (RFC 5681 §4.2), not delayed.
  const fillsGap = s.reassembly !== undefined && s.reassembly.segments > 0;
  if (payload.length > 0) {
    if (seq !== s.rcvNxt) {
      if (fin) holdFin(core, s, finSeq);
      queueOutOfOrder(core, s, seq, payload);
      return true;
    }
    result = receiveInOrder(core, s, payload);
    if (result === GONE) return false;
  } else if (fin && seqGt(finSeq, s.rcvNxt)) {
    // A FIN alone beyond a gap: kept, and answered with a duplicate ACK like out-of-order data.
    holdFin(core, s, finSeq);
    core.counters.inc(CNT_TCP_IN_OUT_OF_ORDER);
    core.sendAck(s);
    return true;
  }
  const finDue = (fin && finSeq === s.rcvNxt) || s.heldFinSeq === s.rcvNxt;
  if (result === DELIVERED && finDue && !s.finReceived) {
    if (!receiveFin(core, s, payload.length > 0)) return false;
  } else if (s.ackPending) {
    acknowledgeData(core, s, payload.length > 0 && !fillsGap);
  }
  if (result === DELIVERED && (s.state === TcpState.Established || s.state === TcpState.CloseWait)) core.armIdle(s);
  return true;
}

/**
 * In-order data (RFC 9293 §3.8.6.3): with delayed ACKs the first segment's ACK waits
 * (for the application's reply, a second segment, or the timer); the second is ACKed now.
 * The ACK waits only while the peer can still send a full segment into the window it was
 * given (RFC 1122 §4.2.3.2): a peer whose window this data filled would otherwise stall
 * for the whole delay (with a one-segment window, on every segment).
 */
function acknowledgeData(core: TcpCore, s: TcpSocket, data: boolean): void {
  const delay = core.config.delayedAckMs;
  if (data && delay > 0 && s.delAckAt === undefined && core.receiveWindow(s) >= core.config.mss) {
    s.delAckAt = core.deadline(core.now() + delay);
    return;
  }
  core.sendAck(s);
}

/** Data is taken until the peer's FIN (ESTABLISHED, and FIN_WAIT_1/2 after our FIN). */
function acceptsData(state: TcpState): boolean {
  return state === TcpState.Established || state === TcpState.FinWait1 || state === TcpState.FinWait2;
}

function afterOurFin(state: TcpState): boolean {
  return state === TcpState.FinWait1 || state === TcpState.FinWait2;
}

/**
 * µTasker (`deliverDataAfterFin` off): data the peer sends after our FIN is neither
 * delivered nor acknowledged; only an in-order FIN that comes with it is taken, and its
 * acknowledgement covers the data (which the application never sees).
 */
function withholdDataAfterFin(core: TcpCore, s: TcpSocket, seg: TcpSegment, fin: boolean, finSeq: number): boolean {
  core.counters.inc(CNT_TCP_IN_DISCARDED_BYTES, seg.payload.length);
  if (!fin || seg.seq !== s.rcvNxt || s.finReceived) return true;
  s.rcvNxt = finSeq;
  return receiveFin(core, s, false);
}

/**
 * APP_REQUEST_CLOSE from TCP_EVENT_DATA, _ACK or _PARTIAL_ACK (docs/tcp-states.md, "closing
 * from a callback") reports that the application closed the connection. When it did not
 * call fnTCP_close, the stack closes it now, as the answer says; either way the rest of the
 * segment is handled in the closing state, and the FIN that leaves afterwards
 * acknowledges all of it.
 */
export function requestedClose(core: TcpCore, s: TcpSocket, answer: number): void {
  if ((answer & AppResult.RequestClose) === 0 || s.finSent || s.closePending) return;
  if (s.state === TcpState.Established || s.state === TcpState.CloseWait) core.close(s);
}

/** In-order data, then whatever the reassembly queue now holds contiguously. */
function receiveInOrder(core: TcpCore, s: TcpSocket, payload: Uint8Array): Delivery {
  let result = deliver(core, s, payload);
  for (let i = 0; i < MAX_QUEUED_DELIVERIES && result === DELIVERED && s.reassembly !== undefined; i++) {
    const more = s.reassembly.takeContiguous(s.rcvNxt);
    if (more === undefined) break;
    result = deliver(core, s, more);
  }
  return result;
}

/**
 * TCP_EVENT_DATA. RCV.NXT moves before the call so that anything the listener sends
 * acknowledges the data; APP_REJECT_DATA takes it back (the peer will send it again).
 */
function deliver(core: TcpCore, s: TcpSocket, data: Uint8Array): Delivery {
  const len = data.length;
  if (s.state !== TcpState.Established && !core.config.deliverDataAfterFin) {
    // Our FIN went out from a callback of this segment: the rest is withheld as above.
    core.counters.inc(CNT_TCP_IN_DISCARDED_BYTES, len);
    return REJECTED;
  }
  s.rcvNxt = seqAdd(s.rcvNxt, len);
  s.bytesIn += len;
  s.ackPending = true;
  if (s.state === TcpState.FinWait2) {
    // The FIN_WAIT_2 limit is for a partner that has gone away; one still sending its
    // half-close data is there, so the limit starts again.
    s.finWait2At = core.deadline(core.now() + core.config.finWait2TimeoutMs);
  }
  const answer = core.notify(s, TcpEvent.Data, data, len);
  if (answer === CONNECTION_GONE) return GONE;
  if (answer & AppResult.RejectData) {
    s.rcvNxt = seqAdd(s.rcvNxt, -len);
    s.bytesIn -= len;
    s.ackPending = false;
    core.counters.inc(CNT_TCP_IN_REJECTED_SEGMENTS);
    return REJECTED;
  }
  requestedClose(core, s, answer);
  return DELIVERED;
}

/** Remembers a FIN that lies beyond a gap (only when out-of-order data is kept at all). */
function holdFin(core: TcpCore, s: TcpSocket, finSeq: number): void {
  if (core.config.reassembly && core.config.reassemblyMaxBytes > 0) s.heldFinSeq = finSeq;
}

function queueOutOfOrder(core: TcpCore, s: TcpSocket, seq: number, payload: Uint8Array): void {
  core.counters.inc(CNT_TCP_IN_OUT_OF_ORDER);
  const cfg = core.config;
  if (cfg.reassembly && cfg.reassemblyMaxBytes > 0) {
    if (s.reassembly === undefined) {
      s.reassembly = new ReassemblyQueue({ maxBytes: cfg.reassemblyMaxBytes, maxSegments: cfg.reassemblyMaxSegments });
    }
    s.reassembly.insert(s.rcvNxt, seq, payload);
  }
  // RFC 5681 §4.2: an out-of-order segment is acknowledged at once (a duplicate ACK).
  core.sendAck(s);
}

/** The peer's FIN, with everything before it received. False once the connection has ended (TIME_WAIT) or left. */
function receiveFin(core: TcpCore, s: TcpSocket, dataDelivered: boolean): boolean {
  s.rcvNxt = seqAdd(s.rcvNxt, 1);
  s.finReceived = true;
  s.heldFinSeq = undefined;
  s.ackPending = true;
  switch (s.state) {
    case TcpState.Established:
      return peerClose(core, s, dataDelivered);
    case TcpState.FinWait1:
      // Our FIN is not acknowledged yet: both sides closed at once.
      core.sendAck(s);
      s.setState(TcpState.Closing);
      return true;
    case TcpState.FinWait2:
      core.sendAck(s);
      core.enterTimeWait(s);
      return false;
    default:
      core.sendAck(s);
      return true;
  }
}

/**
 * Passive close (docs/tcp-states.md, ESTABLISHED + FIN): TCP_EVENT_CLOSE; APP_ACCEPT → our FIN (LAST_ACK);
 * APP_REJECT_DATA → the FIN is not acknowledged (the peer repeats it); anything else →
 * half close in CLOSE_WAIT, where the application may still send and later close.
 * RCV.NXT already counts the FIN during the call, so a FIN sent from inside the
 * callback (fnTCP_close) acknowledges it.
 */
function peerClose(core: TcpCore, s: TcpSocket, dataDelivered: boolean): boolean {
  if (s.closeReported) {
    // The idle timer already closed this connection and reported TCP_EVENT_CLOSE; its FIN
    // waits for our data. The peer's FIN is part of that close, not news for the application.
    s.setState(TcpState.CloseWait);
    core.close(s);
    if (s.ackPending) core.sendAck(s);
    return true;
  }
  s.closeReported = true;
  const answer = core.notifyPeer(s, TcpEvent.Close);
  if (answer === CONNECTION_GONE) return false;
  if (s.state === TcpState.Established && !s.closePending && answer & AppResult.RejectData) {
    s.rcvNxt = seqAdd(s.rcvNxt, -1);
    s.finReceived = false;
    s.closeReported = false; // the repeated FIN asks again
    core.counters.inc(CNT_TCP_IN_FIN_REJECTED);
    // The data before the FIN is still acknowledged; the FIN is not.
    if (s.ackPending && dataDelivered) core.sendAck(s);
    s.ackPending = false;
    return true;
  }
  if (s.state === TcpState.Established) {
    s.setState(TcpState.CloseWait);
    if (answer === AppResult.Accept || s.closePending) core.close(s);
  }
  if (s.ackPending) core.sendAck(s);
  return true;
}
