/**
 * Segments for sockets that are not yet synchronized: a SYN reaching a LISTEN socket
 * (TCP_EVENT_CONREQ and the application's answer) and anything reaching SYN_SENT
 * (RFC 9293 §3.10.7.2 and §3.10.7.3).
 */
import { seqLen, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../wire/tcp.js';
import { trySend } from './buffered.js';
import { CONNECTION_GONE, type TcpCore } from './core.js';
import { seqAdd, seqGt, seqLeq } from './seq.js';
import type { TcpSocket } from './socket.js';
import { AppResult, TcpEvent, TcpState } from './types.js';
import { agreeWindowScale } from './window-scale.js';
import { CNT_TCP_CONREQ_REJECTED, DROP_TCP_BAD_ACK, DROP_TCP_CONREQ_WAIT, DROP_TCP_LISTENER_GONE, DROP_TCP_NO_SYN, DROP_TCP_RST_WITHOUT_ACK, DROP_TCP_SIMULTANEOUS_OPEN } from '../counter-ids.js';

/** A SYN without ACK, RST or FIN. */
export function isBareSyn(seg: TcpSegment): boolean {
  return (seg.flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) === TCP_SYN;
}

/**
 * The only segment a listener takes: a SYN without ACK or RST. A FIN (or PSH, URG, ECE,
 * CWR) beside it is not processed in LISTEN (RFC 9293 §3.10.7.2), so SYN+FIN opens too.
 */
export function opensConnection(seg: TcpSegment): boolean {
  return (seg.flags & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN;
}

/** Peer MSS from the SYN's option, else the configured default; never below 64 bytes. */
function peerMss(core: TcpCore, seg: TcpSegment): number {
  const m = seg.options.mss;
  if (m === undefined) return core.config.defaultPeerMss;
  return Math.max(64, m);
}

/** Takes the peer's sequence number, MSS, window (never scaled in a SYN) and window scale from its SYN or SYN+ACK. */
function acceptPeerSyn(core: TcpCore, s: TcpSocket, seg: TcpSegment): void {
  acceptPeer(s, seg.seq, peerMss(core, seg), seg.window, seg.ack);
  agreeWindowScale(core.config, s, seg.options.windowScale);
}

/** The peer's side of a new connection: its ISN `irs`, MSS and window (as of a segment acknowledging `ack`). */
export function acceptPeer(s: TcpSocket, irs: number, mss: number, window: number, ack: number): void {
  s.irs = irs;
  s.rcvNxt = s.rcvHigh = seqAdd(irs, 1);
  // An edge recorded from our own SYN (sent while RCV.NXT was still 0) belongs to no
  // sequence space of the peer's: start the window bookkeeping afresh.
  s.rcvAdvEdge = undefined;
  s.peerMss = mss;
  s.sndWnd = window;
  s.maxSndWnd = Math.max(s.maxSndWnd, window);
  s.sndWl1 = irs;
  s.sndWl2 = ack;
}

/**
 * A bare SYN for a listening socket: the listener decides with TCP_EVENT_CONREQ (see
 * askListener); if it accepts, SYN+ACK and SYN_RCVD.
 */
export function inputListen(core: TcpCore, s: TcpSocket, src: number, seg: TcpSegment): void {
  const verdict = askListener(core, s, src, seg.srcPort);
  if (verdict !== ListenerVerdict.Accept) {
    if (verdict === ListenerVerdict.Refuse) rejectSyn(core, src, seg);
    return;
  }
  acceptPeerSyn(core, s, seg);
  // Data on a SYN is not taken (µTasker); the peer sends it again after the handshake.
  enterSynReceived(core, s, core.newIss(s));
  core.sendSynAck(s);
  core.armRetransmit(s);
}

/** What the listener answered to TCP_EVENT_CONREQ. */
export enum ListenerVerdict {
  /** Go on with the connection. */
  Accept,
  /** APP_REJECT, or the listener gave the socket up: the caller sends a RST. */
  Refuse,
  /** APP_WAIT: drop silently, the peer's repeat asks again. */
  Wait,
}

/** The peer is bound into the listening socket and the listener decides with TCP_EVENT_CONREQ. */
export function askListener(core: TcpCore, s: TcpSocket, src: number, srcPort: number): ListenerVerdict {
  s.clearConnection();
  s.setPeer(src, srcPort);
  const answer = core.notifyPeer(s, TcpEvent.ConnectionRequest);
  if (answer === CONNECTION_GONE) {
    // The listener closed, released or reused the socket: nobody takes the SYN.
    core.counters.drop(DROP_TCP_LISTENER_GONE);
    return (core.lastAnswer & AppResult.Wait) === 0 ? ListenerVerdict.Refuse : ListenerVerdict.Wait;
  }
  if (answer & AppResult.Reject) {
    core.counters.inc(CNT_TCP_CONREQ_REJECTED);
    s.setPeer(0, 0);
    return ListenerVerdict.Refuse;
  }
  if (answer & AppResult.Wait) {
    core.counters.drop(DROP_TCP_CONREQ_WAIT);
    s.setPeer(0, 0);
    return ListenerVerdict.Wait;
  }
  return ListenerVerdict.Accept;
}

/** SYN_RCVD of a passive open whose SYN+ACK carries (or carried) `iss`. */
export function enterSynReceived(core: TcpCore, s: TcpSocket, iss: number): void {
  s.iss = iss;
  s.sndUna = s.blockStart = s.iss;
  s.sndNxt = s.sndMax = seqAdd(s.iss, 1);
  s.passiveOpen = true;
  s.openedAt = core.now();
  s.setState(TcpState.SynReceived);
  s.retriesLeft = core.config.retries;
  s.rtxCount = 0;
}

function rejectSyn(core: TcpCore, src: number, seg: TcpSegment): void {
  core.out.replyReset(src, seg.dstPort, seg.srcPort, seg.seq, seg.ack, seg.flags, seqLen(seg));
}

/** RFC 9293 §3.10.7.3, SYN-SENT. */
export function inputSynSent(core: TcpCore, s: TcpSocket, seg: TcpSegment): void {
  const hasAck = (seg.flags & TCP_ACK) !== 0;
  if (hasAck && (seqLeq(seg.ack, s.iss) || seqGt(seg.ack, s.sndMax))) {
    // Acknowledges something we never sent: a stale connection on the peer's side.
    core.counters.drop(DROP_TCP_BAD_ACK);
    if ((seg.flags & TCP_RST) === 0) {
      core.out.replyReset(s.remoteAddr, s.localPort, s.remotePort, seg.seq, seg.ack, seg.flags, seqLen(seg));
    }
    return;
  }
  if (seg.flags & TCP_RST) {
    // RFC 9293 takes a RST here only with an acceptable ACK; µTasker takes any RST.
    if (hasAck || !core.config.simultaneousOpen) core.resetByPeer(s);
    else core.counters.drop(DROP_TCP_RST_WITHOUT_ACK);
    return;
  }
  if ((seg.flags & TCP_SYN) === 0) {
    core.counters.drop(DROP_TCP_NO_SYN);
    return;
  }
  if (hasAck) {
    synAckReceived(core, s, seg);
    return;
  }
  acceptPeerSyn(core, s, seg);
  if (!core.config.simultaneousOpen) {
    core.counters.drop(DROP_TCP_SIMULTANEOUS_OPEN);
    return;
  }
  // Simultaneous open: both sides sent a SYN; answer with SYN+ACK from SYN_RCVD.
  s.setState(TcpState.SynReceived);
  s.passiveOpen = false;
  s.openedAt = core.now();
  s.retriesLeft = core.config.retries;
  s.rtxCount = 0;
  core.sendSynAck(s);
  core.armRetransmit(s);
}

/**
 * A SYN+ACK that acknowledges our SYN (checked by the caller): the peer's ISN, window and
 * MSS, ESTABLISHED, our ACK and TCP_EVENT_CONNECTED.
 */
export function synAckReceived(core: TcpCore, s: TcpSocket, seg: TcpSegment): void {
  acceptPeerSyn(core, s, seg);
  s.sndUna = s.blockStart = seg.ack;
  const rtt = s.rtt.onAck(seg.ack, core.now());
  if (rtt !== undefined) s.rto.sample(rtt);
  core.enterEstablished(s);
  core.sendAck(s);
  // Bytes queued with TCP_BUF_QUEUE before the connection existed go out now.
  if (core.notifyPeer(s, TcpEvent.Connected) !== CONNECTION_GONE && s.tx !== undefined) trySend(core, s);
}
