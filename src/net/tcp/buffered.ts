/**
 * Buffered TCP (µTasker's USE_BUFFERED_TCP, fnSendBufTCP): the stack keeps the bytes in a
 * per-socket ring, sends as many segments as the peer's window and the congestion window
 * allow, and retransmits by itself (RFC 6298 timer, fast retransmit and NewReno), probes
 * a zero window and avoids silly windows. The listener still gets µTasker's events.
 */
import { FAST_RETRANSMIT, NewReno, RETRANSMIT_FIRST_UNACKED } from './congestion.js';
import { RTO_RFC6298 } from './config.js';
import { CONNECTION_GONE, type TcpCore } from './core.js';
import { SendBuffer } from './send-buffer.js';
import { sendableNow } from './silly-window.js';
import { seqAdd, seqDiff, seqGt, seqLt } from './seq.js';
import type { TcpSocket } from './socket.js';
import { TcpEvent, TcpState } from './types.js';
import { TCP_ACK, TCP_PSH } from '../wire/tcp.js';
import { CNT_TCP_BUFFERED_TRUNCATED, CNT_TCP_FAST_RETRANSMITS, CNT_TCP_RETRANSMISSIONS, CNT_TCP_WINDOW_PROBES } from '../counter-ids.js';

/** fnSendBufTCP command bits (µTasker's TCP_BUF_*). */
export const BufCommand = {
  Send: 0x01,
  Next: 0x02,
  Repeat: 0x04,
  Check: 0x08,
  SendReportCopy: 0x10,
  ContentNegotiation: 0x20,
  RepeatWindow: 0x40,
  KickNext: 0x80,
  Queue: 0x0100,
  Prepare: 0x0200,
} as const;

/** Interrupt event sent to a task waiting for buffer space (µTasker's TX_FREE). */
export const TX_FREE = 0xdd;
/** Bound on segments sent by one call (each needs window; this only guards the loop). */
const MAX_SEGMENTS_PER_CALL = 64;

export class BufferedTx {
  readonly buffer: SendBuffer;
  cc: NewReno;
  /** Task to wake with TX_FREE once the buffer has drained (TCP_BUF_CHECK). */
  wakeTask: string | undefined = undefined;

  constructor(capacity: number, private readonly mss: number) {
    this.buffer = new SendBuffer(capacity);
    this.cc = new NewReno(mss);
  }

  /** The connection ended: queued bytes and congestion state go. */
  reset(): void {
    this.buffer.clear();
    this.cc = new NewReno(this.mss);
    this.wakeTask = undefined;
  }

  /** Handshake complete: size the congestion window for the peer's MSS. */
  connected(segmentSize: number): void {
    this.cc.setMss(Math.min(segmentSize, this.mss));
  }
}

function connected(s: TcpSocket): boolean {
  return s.state === TcpState.Established || s.state === TcpState.CloseWait;
}

/** Payload sent by fnSendTCP and not yet acknowledged (our FIN takes a number, no byte). */
function simpleDataOutstanding(s: TcpSocket): boolean {
  return seqDiff(s.sndMax, s.sndUna) - (s.finSent ? 1 : 0) > 0;
}

/** Largest payload per segment: peer MSS, TCP_BUFFER_FRAME and the frame size. */
export function segmentLimit(core: TcpCore, s: TcpSocket): number {
  const frame = core.out.maxPayload(); // called before the Math calls: fewer XS stack slots in use
  return Math.max(1, Math.min(s.peerMss, core.config.txBufferFrame, frame));
}

/** The socket's buffer, created on first use with fnDefineTCPBufferSize's size or TCP_BUFFER. */
export function ensureTx(core: TcpCore, s: TcpSocket): BufferedTx {
  if (s.tx === undefined) {
    const size = s.txBufferSize > 0 ? s.txBufferSize : core.config.txBufferSize;
    s.tx = new BufferedTx(size, Math.min(core.config.txBufferFrame, core.out.maxPayload()));
    if (connected(s)) s.tx.connected(s.peerMss);
  }
  return s.tx;
}

/**
 * fnSendBufTCP. Returns the payload length of the first segment this call transmitted, 0
 * when none went out (not necessarily an error), the queued count with
 * TCP_BUF_SEND_REPORT_COPY, or the free space for TCP_BUF_CHECK.
 */
export function sendBuffered(core: TcpCore, s: TcpSocket, data: Uint8Array | null, length: number, command: number): number {
  const queueEarly = (command & BufCommand.Queue) !== 0 && (s.state === TcpState.SynSent || s.state === TcpState.SynReceived);
  if (!connected(s) && !queueEarly) return 0;
  // Bytes sent by fnSendTCP are still unacknowledged: the buffer would count them as its own.
  if (s.tx === undefined && !queueEarly && simpleDataOutstanding(s)) return 0;
  const tx = ensureTx(core, s);
  if (command & BufCommand.Check) {
    if (tx.buffer.length + length > tx.buffer.capacity) {
      if (data !== null && data.length > 0) tx.wakeTask = String.fromCharCode(data[0]);
      return 0;
    }
    return tx.buffer.free;
  }
  let queued = 0;
  if (command & BufCommand.Send && data !== null && length > 0 && !s.closePending && !s.finSent) {
    queued = tx.buffer.write(data, 0, Math.min(length, data.length));
    if (queued < length) core.counters.inc(CNT_TCP_BUFFERED_TRUNCATED);
  }
  if (command & BufCommand.Prepare) return queued;
  // TCP_BUF_REP asks for a retransmission; the stack has already made it (see report).
  let first = 0;
  if (command & (BufCommand.Send | BufCommand.Next | BufCommand.KickNext) && connected(s)) {
    // From a listener inside the receive path the bytes go when the received segment is
    // handled (tcpInput), not from down here: the deepest call chain on XS (README,
    // "Moddable"). The answer is the segment that will go first, as trySend's would be.
    first = core.inInput ? sendWhenInputEnds(core, s) : trySend(core, s);
  }
  if (first === 0 && command & BufCommand.SendReportCopy) return queued;
  return first;
}

/**
 * Sends waiting bytes while the peer's window, the congestion window and silly-window
 * avoidance allow. Returns the payload length of the first segment sent.
 */
export function trySend(core: TcpCore, s: TcpSocket): number {
  const tx = s.tx;
  if (tx === undefined || !connected(s)) return 0;
  let first = 0;
  for (let i = 0; i < MAX_SEGMENTS_PER_CALL; i++) {
    const offset = seqDiff(s.sndNxt, s.sndUna);
    if (tx.buffer.length - offset <= 0) break;
    const n = nextSegment(core, s, tx, offset);
    if (n === 0) {
      holdBack(core, s, offset);
      break;
    }
    s.swsAt = undefined;
    s.persistAt = undefined;
    s.persistBackoff = 0;
    const r = sendRange(core, s, offset, n);
    if (first === 0) first = n;
    if (r <= 0) break; // no ARP entry or refused: ARP success or the timer resends
  }
  return first;
}

/** The payload of the segment that may go now at `offset` bytes after SND.UNA (0: wait); `offset` < buffered bytes. */
function nextSegment(core: TcpCore, s: TcpSocket, tx: BufferedTx, offset: number): number {
  const cwnd = core.config.congestionControl ? tx.cc.cwnd : Number.MAX_SAFE_INTEGER;
  const mss = segmentLimit(core, s);
  // Pushed, and no Nagle algorithm (µTasker has none): written bytes go out at once.
  return sendableNow(tx.buffer.length - offset, Math.min(s.sndWnd, cwnd) - offset, mss, s.maxSndWnd, offset === 0, true, false);
}

/**
 * trySend when the received segment is handled (core.inInput): the socket is marked, and
 * the answer is what trySend would answer now, the payload of the first segment.
 */
function sendWhenInputEnds(core: TcpCore, s: TcpSocket): number {
  core.sendAfterInput(s);
  const offset = seqDiff(s.sndNxt, s.sndUna);
  return (s.tx as BufferedTx).buffer.length - offset <= 0 ? 0 : nextSegment(core, s, s.tx as BufferedTx, offset);
}

/** Sends what the sockets marked by sendWhenInputEnds have waiting (tcpInput, before endInput). */
export function sendMarked(core: TcpCore): void {
  for (let s = core.takeMarked(); s !== undefined; s = core.takeMarked()) trySend(core, s);
}

/** Nothing could be sent: with nothing in flight, start the persist or silly-window timer. */
function holdBack(core: TcpCore, s: TcpSocket, offset: number): void {
  if (offset !== 0 || s.rtxAt !== undefined) return;
  if (s.sndWnd === 0) startPersist(core, s);
  else if (s.swsAt === undefined) s.swsAt = core.deadline(core.now() + core.config.sillyWindowDelayMs);
}

/** Sends buffered bytes [offset, offset + n) counted from SND.UNA. */
function sendRange(core: TcpCore, s: TcpSocket, offset: number, n: number): number {
  const tx = s.tx as BufferedTx;
  const len = Math.max(0, Math.min(n, core.txScratch.length, tx.buffer.length - offset));
  const seq = seqAdd(s.sndUna, offset);
  const wasIdle = s.sndUna === s.sndMax;
  const r = core.sendFromBuffer(s, TCP_ACK | TCP_PSH, seq, offset, len);
  const end = seqAdd(seq, len);
  if (seqGt(end, s.sndNxt)) s.sndNxt = end;
  if (seqGt(end, s.sndMax)) {
    s.bytesOut += seqDiff(end, s.sndMax);
    s.sndMax = end;
  }
  s.rtt.start(end, core.now());
  if (wasIdle) {
    s.retriesLeft = core.config.retries;
    s.rtxCount = 0;
  }
  if (s.rtxAt === undefined) core.armRetransmit(s);
  core.armIdle(s);
  return r;
}

/** Retransmits the first unacknowledged segment (fast retransmit, NewReno partial ACK, timeout). */
function resendFirst(core: TcpCore, s: TcpSocket): void {
  const flight = seqDiff(s.sndMax, s.sndUna);
  if (flight <= 0 || s.tx === undefined) return;
  s.retransmissions++;
  core.counters.inc(CNT_TCP_RETRANSMISSIONS);
  s.rtt.onRetransmit(s.sndMax);
  sendRange(core, s, 0, Math.min(flight, segmentLimit(core, s), s.tx.buffer.length));
}

/**
 * New data acknowledged: release it, grow or deflate the congestion window, wake a task
 * waiting for space, send more.
 */
export function onBufferedAck(core: TcpCore, s: TcpSocket, dataAcked: number, flightBefore: number): void {
  const tx = s.tx;
  if (tx === undefined) return;
  tx.buffer.release(Math.min(dataAcked, tx.buffer.length));
  if (seqLt(s.sndNxt, s.sndUna)) s.sndNxt = s.sndUna;
  if (core.config.congestionControl && tx.cc.onAck(dataAcked, s.sndUna, flightBefore) === RETRANSMIT_FIRST_UNACKED) {
    resendFirst(core, s);
  }
  if (tx.buffer.length === 0 && tx.wakeTask !== undefined) {
    const task = tx.wakeTask;
    tx.wakeTask = undefined;
    core.scheduler.interruptMessage(task, TX_FREE);
  }
}

/** A duplicate ACK (RFC 5681 §2): the third starts fast retransmit. */
export function onBufferedDuplicateAck(core: TcpCore, s: TcpSocket): void {
  const tx = s.tx;
  if (tx === undefined || !core.config.congestionControl) return;
  const flight = seqDiff(s.sndMax, s.sndUna);
  if (tx.cc.onDuplicateAck(flight, s.sndMax, s.sndUna) === FAST_RETRANSMIT) {
    core.counters.inc(CNT_TCP_FAST_RETRANSMITS);
    resendFirst(core, s);
  }
}

/**
 * Retransmission timeout: go back to SND.UNA with a one-segment window and resend; the
 * listener is told with TCP_EVENT_REGENERATE (its answer is not needed: the bytes are here).
 */
export function onBufferedTimeout(core: TcpCore, s: TcpSocket): boolean {
  const tx = s.tx as BufferedTx;
  const flight = seqDiff(s.sndMax, s.sndUna);
  tx.cc.onRetransmitTimeout(flight, s.sndMax);
  s.sndNxt = s.sndUna;
  s.rtt.onRetransmit(s.sndMax);
  sendRange(core, s, 0, Math.min(flight, segmentLimit(core, s), tx.buffer.length));
  if (core.notify(s, TcpEvent.Regenerate, null, flight) === CONNECTION_GONE) return false;
  core.armRetransmit(s);
  return true;
}

/** ARP resolved after sends were lost: go back to SND.UNA and send again. */
export function resendAfterArp(core: TcpCore, s: TcpSocket): void {
  s.sndNxt = s.sndUna;
  trySend(core, s);
}

/** Zero-window persist timer: starts with the RTO (or µTasker's silly-window delay) and backs off. */
export function startPersist(core: TcpCore, s: TcpSocket): void {
  if (s.persistAt !== undefined) return;
  const base = core.config.rtoMode === RTO_RFC6298 ? s.rto.rtoMs : core.config.sillyWindowDelayMs;
  const interval = core.config.rtoMode === RTO_RFC6298
    ? Math.min(core.config.rtoMaxMs, base * 2 ** Math.min(s.persistBackoff, 16))
    : base;
  s.persistAt = core.deadline(core.now() + interval);
}

/** Persist timer expired: send one byte beyond the zero window (RFC 9293 §3.8.6.1). */
export function sendWindowProbe(core: TcpCore, s: TcpSocket): void {
  const tx = s.tx;
  if (tx === undefined || tx.buffer.length === 0 || s.sndWnd !== 0) return;
  tx.buffer.copyOut(0, 1, core.txScratch, 0);
  core.counters.inc(CNT_TCP_WINDOW_PROBES);
  core.out.send(s, TCP_ACK, s.sndUna, core.txView.view(1));
  // The probe byte is not "sent" for SND.NXT: if the peer drops it, normal sending resumes at SND.UNA.
  const end = seqAdd(s.sndUna, 1);
  if (seqGt(end, s.sndMax)) s.sndMax = end;
}

/** The silly-window override timer expired: send what the window takes. */
export function forceSend(core: TcpCore, s: TcpSocket): void {
  const tx = s.tx;
  if (tx === undefined || !connected(s)) return;
  const offset = seqDiff(s.sndNxt, s.sndUna);
  const n = Math.min(tx.buffer.length - offset, s.sndWnd - offset, segmentLimit(core, s));
  if (n > 0) sendRange(core, s, offset, n);
  trySend(core, s);
}
