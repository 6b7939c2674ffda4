/**
 * Segments for SYN_RCVD and every later state, in RFC 9293 §3.10.7.4's order: sequence
 * check, RST, SYN, ACK (with µTasker's ACK / PARTIAL_ACK / WINDOW_UPDATE events), then the
 * text and FIN (input-text.ts).
 */
import { seqLen, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../wire/tcp.js';
import { onBufferedAck, onBufferedDuplicateAck, startPersist, trySend } from './buffered.js';
import { ACK_UNACCEPTABLE, classifyAck, classifyRst, RST_IN_WINDOW, RST_OUTSIDE } from './challenge-ack.js';
import { CONNECTION_GONE, type TcpCore } from './core.js';
import { inputListen, isBareSyn, synAckReceived } from './input-open.js';
import { receiveText, requestedClose } from './input-text.js';
import { regenerate } from './timers.js';
import { seqAdd, seqDiff, seqGt, seqInWindow, seqLeq, seqLt } from './seq.js';
import type { TcpSocket } from './socket.js';
import { TcpEvent, TcpState } from './types.js';
import { CNT_TCP_SIMULTANEOUS_OPEN_RESYNC, CNT_TCP_SYN_REPEATS, CNT_TCP_WINDOW_REOPENED, DROP_TCP_ACK_TOO_OLD, DROP_TCP_ACK_UNSENT, DROP_TCP_BAD_ACK, DROP_TCP_NO_ACK, DROP_TCP_OUT_OF_WINDOW, DROP_TCP_RST_OUT_OF_WINDOW, DROP_TCP_SYN_IN_WINDOW } from '../counter-ids.js';

/** RFC 9293 §3.10.7.4 "first, check sequence number" (the four-case acceptability test). */
export function acceptable(seq: number, len: number, rcvNxt: number, wnd: number): boolean {
  if (len === 0) return wnd === 0 ? seq === rcvNxt : seqInWindow(seq, rcvNxt, wnd);
  if (wnd === 0) return false;
  return seqInWindow(seq, rcvNxt, wnd) || seqInWindow(seqAdd(seq, len - 1), rcvNxt, wnd);
}

export function inputSynchronized(core: TcpCore, s: TcpSocket, src: number, seg: TcpSegment): void {
  const cfg = core.config;
  if (s.state === TcpState.SynReceived && isBareSyn(seg)) {
    if (seg.seq === s.irs) {
      // The peer repeats its SYN: our SYN+ACK was lost.
      core.counters.inc(CNT_TCP_SYN_REPEATS);
      core.sendSynAck(s);
      return;
    }
    if (s.passiveOpen && !cfg.rfc5961) {
      // A new attempt from the same port (µTasker's TCP_CHECK_SYS_REPS): start again from LISTEN.
      core.endConnection(s, TcpState.Listen);
      inputListen(core, s, src, seg);
      return;
    }
    // RFC 5961 §4: a SYN with another ISN may be a blind forgery; it gets a challenge ACK
    // below. A peer that really restarted answers it with a RST at RCV.NXT, which returns
    // the socket to LISTEN, and its next SYN is taken.

  }
  if (s.state === TcpState.SynReceived && !s.passiveOpen && (seg.flags & (TCP_SYN | TCP_ACK | TCP_RST)) === (TCP_SYN | TCP_ACK)
    && seg.ack === s.sndMax && seg.seq !== s.irs) {
    // A simultaneous open started by a bare SYN, and now a SYN+ACK that acknowledges our
    // SYN: only the real peer saw our ISN, so its SYN+ACK wins over that SYN, which may have
    // been a blind forgery (otherwise both sides stay out of step, ACKing each other forever).
    core.counters.inc(CNT_TCP_SIMULTANEOUS_OPEN_RESYNC);
    synAckReceived(core, s, seg);
    return;
  }
  if (!cfg.rfc5961 && isBareSyn(seg) && s.state === TcpState.Established) {
    // µTasker: a bare SYN ends an established connection without sending anything.
    core.abort(s, false);
    return;
  }
  const wnd = core.receiveWindow(s);
  if (seg.flags & TCP_RST) {
    inputReset(core, s, seg.seq, wnd);
    return;
  }
  let textAllowed = true;
  if (!acceptable(seg.seq, seqLen(seg), s.rcvNxt, wnd)) {
    if (wnd === 0 && seg.seq === s.rcvNxt && (seg.flags & TCP_SYN) === 0) {
      textAllowed = false; // zero window: the ACK field still counts, the data does not
    } else {
      // Old duplicates, keep-alive probes, a repeated FIN or SYN+ACK: answer with an ACK.
      core.counters.drop(DROP_TCP_OUT_OF_WINDOW);
      // A keep-alive or zero-window probe (SEQ = RCV.NXT − 1) shows the peer is alive: it
      // reloads the idle timer, as in µTasker (a peer whose probes have backed off to two
      // minutes must not find the connection closed for inactivity).
      if (seg.seq === seqAdd(s.rcvNxt, -1) && seqLen(seg) <= 1) core.reloadIdle(s);
      if (s.state === TcpState.TimeWait && seg.flags & TCP_FIN) core.restartTimeWait(s);
      // A bare ACK is answered within the challenge-ACK budget: two ends that disagree on
      // the sequence numbers (after injected data) would otherwise trade ACKs without end.
      if (cfg.rfc5961 && seqLen(seg) === 0) core.challengeAck(s);
      else core.sendAck(s);
      return;
    }
  }
  if (seg.flags & TCP_SYN) {
    if (cfg.rfc5961) core.challengeAck(s);
    else core.counters.drop(DROP_TCP_SYN_IN_WINDOW);
    return;
  }
  if ((seg.flags & TCP_ACK) === 0) {
    core.counters.drop(DROP_TCP_NO_ACK);
    return;
  }
  // Each step answers whether the segment goes on: false once it is finished with, or the
  // connection ended or was given up by its listener (CONNECTION_GONE).
  let handshake = false;
  if (s.state === TcpState.SynReceived) {
    if (!completeHandshake(core, s, seg)) return;
    handshake = true;
    if (!cfg.handshakeData) textAllowed = false;
  }
  if (!processAck(core, s, seg, handshake)) return;
  if (!receiveText(core, s, seg, wnd, textAllowed)) return;
  if (s.tx !== undefined) trySend(core, s);
  core.finishPendingClose(s);
}

/** RST in a synchronized state: RFC 5961 §3.2 (exact → reset, in window → challenge ACK, else drop). */
function inputReset(core: TcpCore, s: TcpSocket, seq: number, wnd: number): void {
  if (core.config.rfc5961) {
    const c = classifyRst(seq, s.rcvNxt, wnd);
    if (c === RST_OUTSIDE) {
      core.counters.drop(DROP_TCP_RST_OUT_OF_WINDOW);
      return;
    }
    if (c === RST_IN_WINDOW) {
      core.challengeAck(s);
      return;
    }
  }
  core.resetByPeer(s);
}

/** SYN_RCVD + acceptable ACK → ESTABLISHED and TCP_EVENT_CONNECTED; a bad ACK gets a RST. */
function completeHandshake(core: TcpCore, s: TcpSocket, seg: TcpSegment): boolean {
  if (!seqGt(seg.ack, s.sndUna) || seqGt(seg.ack, s.sndMax)) {
    core.counters.drop(DROP_TCP_BAD_ACK);
    core.out.replyReset(s.remoteAddr, s.localPort, s.remotePort, seg.seq, seg.ack, seg.flags, seqLen(seg));
    return false;
  }
  s.sndUna = s.blockStart = seg.ack;
  const rtt = s.rtt.onAck(seg.ack, core.now());
  if (rtt !== undefined) s.rto.sample(rtt);
  updateWindow(s, seg);
  core.enterEstablished(s);
  return core.notifyPeer(s, TcpEvent.Connected) !== CONNECTION_GONE;
}

/** RFC 9293 send-window update rule (SND.WL1/SND.WL2); true when the window changed. */
function updateWindow(s: TcpSocket, seg: TcpSegment): boolean {
  if (!(seqLt(s.sndWl1, seg.seq) || (s.sndWl1 === seg.seq && seqLeq(s.sndWl2, seg.ack)))) return false;
  // RFC 7323 §2.3: SEG.WND << Snd.Wind.Shift (at most 65 535 << 14, so no sign trouble).
  const wnd = seg.window << s.sndWndShift;
  const changed = s.sndWnd !== wnd;
  s.sndWnd = wnd;
  s.sndWl1 = seg.seq;
  s.sndWl2 = seg.ack;
  if (wnd > s.maxSndWnd) s.maxSndWnd = wnd;
  return changed;
}

/**
 * "Fifth, check the ACK field" (with RFC 5961 §5.2's lower bound): advance SND.UNA, time the RTT, move closing states on when
 * our FIN is acknowledged, and give the listener µTasker's events. Returns false when the
 * segment is finished with.
 */
function processAck(core: TcpCore, s: TcpSocket, seg: TcpSegment, handshake: boolean): boolean {
  const ack = seg.ack;
  if (seqGt(ack, s.sndMax)) {
    core.counters.drop(DROP_TCP_ACK_UNSENT);
    // RFC 5961 §5.2 puts this ACK with the too-old ones: answered, but rate-limited (§7).
    if (core.config.rfc5961) core.challengeAck(s);
    else core.sendAck(s);
    return false;
  }
  if (core.config.rfc5961 && classifyAck(ack, s.sndUna, s.sndMax, s.maxSndWnd) === ACK_UNACCEPTABLE) {
    // RFC 5961 §5.2: older than anything the peer could still acknowledge — blind data
    // injection, not the peer. The segment goes; a rate-limited challenge ACK answers.
    core.counters.drop(DROP_TCP_ACK_TOO_OLD);
    core.challengeAck(s);
    return false;
  }
  const flightBefore = seqDiff(s.sndMax, s.sndUna);
  const duplicate = !handshake && ack === s.sndUna && flightBefore > 0 && seg.payload.length === 0
    && (seg.flags & (TCP_SYN | TCP_FIN)) === 0 && (seg.window << s.sndWndShift) === s.sndWnd;
  let advanced = false;
  if (seqGt(ack, s.sndUna)) {
    advanced = true;
    ackNewData(core, s, ack, flightBefore);
  }
  const windowWasZero = s.sndWnd === 0;
  const windowChanged = seqLeq(s.sndUna, ack) ? updateWindow(s, seg) : false;
  if (duplicate && s.tx !== undefined) onBufferedDuplicateAck(core, s);

  if (s.finSent && s.sndUna === s.sndMax) {
    switch (s.state) {
      case TcpState.FinWait1:
        s.setState(TcpState.FinWait2);
        s.rtxAt = undefined;
        s.finWait2At = core.deadline(core.now() + core.config.finWait2TimeoutMs);
        break;
      case TcpState.Closing:
        core.enterTimeWait(s);
        return false;
      case TcpState.LastAck:
        core.finishPassiveClose(s);
        return false;
      default:
        break;
    }
  }
  if (s.state === TcpState.Established || s.state === TcpState.CloseWait) {
    if (s.sndWnd === 0 && s.sndMax !== s.sndUna) {
      // RFC 1122 §4.2.2.17: a peer that answers our zero-window probes is alive, however
      // long its window stays shut; only unanswered probes use up the retries.
      s.retriesLeft = core.config.retries;
    }
    const outstanding = flightBefore > 0 || seqDiff(s.sndMax, s.blockStart) > 0;
    if (!advanced && windowWasZero && s.sndWnd > 0 && outstanding && s.tx === undefined) {
      // The window opened while a simple socket's probe (or block) is outstanding: the
      // closed window dropped it, so the application repeats it now, not at the next timeout.
      core.counters.inc(CNT_TCP_WINDOW_REOPENED);
      if (!regenerate(core, s)) return false;
    } else if (!ackEvents(core, s, ack, advanced, outstanding, windowChanged)) {
      return false;
    }
    updatePersist(core, s);
  }
  return true;
}

/** SND.UNA moves to `ack`. */
function ackNewData(core: TcpCore, s: TcpSocket, ack: number, flightBefore: number): void {
  const acked = seqDiff(ack, s.sndUna);
  const synAcked = s.sndUna === s.iss ? 1 : 0;
  const finAcked = s.finSent && ack === s.sndMax ? 1 : 0;
  s.sndUna = ack;
  if (seqLt(s.sndNxt, ack)) s.sndNxt = ack;
  const rtt = s.rtt.onAck(ack, core.now());
  if (rtt !== undefined) s.rto.sample(rtt);
  s.rtxCount = 0;
  s.retriesLeft = s.finSent ? core.config.finRetries : core.config.retries;
  // RFC 6298 (5.2)/(5.3): stop when all is acknowledged, else restart.
  if (ack === s.sndMax) s.rtxAt = undefined;
  else core.armRetransmit(s);
  if (s.tx !== undefined) {
    s.blockStart = ack;
    onBufferedAck(core, s, Math.max(0, acked - synAcked - finAcked), flightBefore);
  }
}

/**
 * µTasker's acknowledgement events: TCP_EVENT_ACK when everything sent is acknowledged,
 * TCP_EVENT_PARTIAL_ACK (bytes still unacknowledged) otherwise, TCP_WINDOW_UPDATE when
 * nothing was outstanding and the peer's window changed. False when the listener gave the
 * socket up.
 */
function ackEvents(core: TcpCore, s: TcpSocket, ack: number, advanced: boolean, outstanding: boolean, windowChanged: boolean): boolean {
  if (advanced) {
    let answer: number;
    if (ack === s.sndMax) {
      s.blockStart = ack;
      answer = core.notifyPeer(s, TcpEvent.Ack);
    } else {
      answer = core.notifyPeer(s, TcpEvent.PartialAck, seqDiff(s.sndMax, ack));
    }
    if (answer === CONNECTION_GONE) return false;
    requestedClose(core, s, answer);
  } else if (!outstanding && windowChanged) {
    return core.notifyPeer(s, TcpEvent.WindowUpdate) !== CONNECTION_GONE;
  }
  return true;
}

/** Zero window with nothing outstanding: the persist timer runs; an open window stops it. */
function updatePersist(core: TcpCore, s: TcpSocket): void {
  if (s.sndWnd > 0) {
    s.persistAt = undefined;
    s.persistBackoff = 0;
    return;
  }
  if (s.tx === undefined && s.sndMax === s.sndUna) startPersist(core, s);
}
