/**
 * An application on one board, written the way µTasker applications use the socket API:
 * - 'simple': fnSendTCP, one block in flight; the next block on TCP_EVENT_ACK; on
 *   TCP_EVENT_REGENERATE the unacknowledged bytes are rebuilt from the data (the stack keeps
 *   no copy);
 * - 'window': fnSendTCP with several blocks in flight (the HTTP/FTP windowing style),
 *   refilled on TCP_EVENT_ACK, all of them rebuilt on TCP_EVENT_REGENERATE;
 * - 'buffered': fnSendBufTCP with the §8.2 event handling (ACK/PARTIAL_ACK → TCP_BUF_NEXT,
 *   REGENERATE → TCP_BUF_REP then TCP_BUF_NEXT|TCP_BUF_KICK_NEXT, WINDOW_UPDATE →
 *   TCP_BUF_NEXT|TCP_BUF_KICK_NEXT), writing whenever TCP_BUF_CHECK reports room.
 * It sends `total` bytes of a position-dependent pattern, checks every received byte
 * against the peer's pattern as it arrives, and closes as its plan says.
 */
import type { Stack } from '../../src/stack.js';
import {
  APP_ACCEPT, APP_REQUEST_CLOSE, APP_SENT_DATA, MIN_TCP_HLEN, NO_ARP_ENTRY,
  TCP_BUF_CHECK, TCP_BUF_KICK_NEXT, TCP_BUF_NEXT, TCP_BUF_REP, TCP_BUF_SEND,
  TCP_EVENT_ABORT, TCP_EVENT_ACK, TCP_EVENT_CLOSE, TCP_EVENT_CLOSED, TCP_EVENT_CONNECTED, TCP_EVENT_CONREQ,
  TCP_EVENT_DATA, TCP_EVENT_PARTIAL_ACK, TCP_EVENT_REGENERATE, TCP_FLAG_PUSH, TCP_WINDOW_UPDATE,
  TCP_STATE_CLOSE_WAIT, TCP_STATE_ESTABLISHED, TOS_NORMAL_SERVICE,
} from '../../src/api/tcp.js';

export type SendMode = 'simple' | 'window' | 'buffered';
/** 'ack-callback': fnTCP_close + APP_REQUEST_CLOSE from TCP_EVENT_ACK (the seed's HTTP 1.0 pattern); 'task': from outside any callback. */
export type CloseStyle = 'ack-callback' | 'task';
/** Answer to the peer's FIN (TCP_EVENT_CLOSE): full close, or half close (CLOSE_WAIT) and fnTCP_close when done. */
export type PassiveAnswer = 'accept' | 'half';

export interface EndpointPlan {
  /** Bytes this side sends. */
  total: number;
  mode: SendMode;
  /** Largest block per fnSendTCP / fnSendBufTCP call. */
  chunk: number;
  /** Blocks in flight in 'window' mode. */
  windowBlocks: number;
  /** fnDefineTCPBufferSize in 'buffered' mode. */
  bufferSize: number;
  /** Receive window given to fnTCP_Listen / fnTCP_Connect (0 = default). */
  rxWindow: number;
  /** Idle timeout in seconds (INFINITE_TIMEOUT = 0xffff for none). */
  idleTimeoutS: number;
  /** This side closes actively once all its data is written. */
  closer: boolean;
  closeStyle: CloseStyle;
  passiveAnswer: PassiveAnswer;
}

/** Byte `i` of the stream sent by side `side`: position-dependent so loss, repetition and reordering all show. */
export function patternByte(side: number, i: number): number {
  const x = Math.imul(i + 1 + side * 0x3d, 0x9e3779b1) >>> 0;
  return (x >>> 24) ^ (i & 0xff);
}

export class Endpoint {
  socket = -1;
  /** Bytes the stack took from us (sent at least once, or queued in the buffered case). */
  committed = 0;
  /** Simple/window modes: bytes acknowledged with TCP_EVENT_ACK (the start of the unacknowledged block). */
  acked = 0;
  received = 0;
  /** First received byte that did not match, as a message. */
  mismatch: string | undefined = undefined;
  extraBytes = 0;
  connectedCount = 0;
  closedCount = 0;
  abortCount = 0;
  closeEvents = 0;
  /** fnTCP_close called in the current connection. */
  closeCalled = false;
  /** The peer's FIN arrived (TCP_EVENT_CLOSE while the state still was ESTABLISHED with our FIN not yet sent). */
  peerClosed = false;
  /** Results of API calls that are never legal here (negative where no error was expected). */
  readonly apiErrors: string[] = [];
  private readonly block: Uint8Array;

  constructor(
    readonly name: string,
    readonly side: number,
    readonly stack: Stack,
    readonly plan: EndpointPlan,
    /** Bytes the peer will send (to size the check). */
    readonly expectIn: number,
    private readonly relisten: boolean,
  ) {
    this.block = new Uint8Array(MIN_TCP_HLEN + Math.max(1, plan.chunk));
  }

  /** Takes a socket. */
  open(): number {
    this.socket = this.stack.api.fnGetTCP_Socket(TOS_NORMAL_SERVICE, this.plan.idleTimeoutS, (s, e, d, pl) => this.listener(s, e, d, pl));
    if (this.plan.mode === 'buffered') this.stack.api.fnDefineTCPBufferSize(this.socket, this.plan.bufferSize);
    return this.socket;
  }

  get connected(): boolean {
    const st = this.stack.api.fnGetTCP_state(this.socket);
    return st === TCP_STATE_ESTABLISHED || st === TCP_STATE_CLOSE_WAIT;
  }

  /** Everything written and (for our view) acknowledged. */
  doneWriting(): boolean {
    if (this.committed < this.plan.total) return false;
    if (this.plan.mode === 'buffered') return this.bufferFree() === this.bufferCapacity();
    return this.acked >= this.committed;
  }

  /** What the application task does on each turn: write more, close when due. */
  poll(): void {
    if (!this.connected) return;
    if (this.plan.mode === 'buffered') this.pumpBuffered();
    else this.sendSimple();
    this.maybeCloseFromTask();
  }

  /** Closes from the task when this side's plan says so. */
  maybeCloseFromTask(): void {
    if (this.closeCalled || !this.connected) return;
    const closerDue = this.plan.closer && (this.plan.closeStyle === 'task' || this.plan.total === 0) && this.committed >= this.plan.total;
    const halfDue = this.peerClosed && this.committed >= this.plan.total;
    if (closerDue || halfDue) this.close();
  }

  close(): void {
    this.closeCalled = true;
    const r = this.stack.api.fnTCP_close(this.socket);
    if (r < 0) this.apiErrors.push(`fnTCP_close → ${r}`);
  }

  // ---- sending ---------------------------------------------------------------------------

  private blockLimit(): number {
    return Math.max(1, Math.min(this.plan.chunk, this.stack.tcp.peerMss(this.socket)));
  }

  /** Fills the simple block(s) in flight. Returns true when a segment went out. */
  private sendSimple(): boolean {
    const limit = this.plan.mode === 'window' ? this.plan.windowBlocks : 1;
    let sent = false;
    for (let i = 0; i < limit && this.committed < this.plan.total; i++) {
      const inFlight = this.committed - this.acked;
      if (inFlight >= limit * this.blockLimit()) break;
      if (this.plan.mode === 'simple' && inFlight > 0) break;
      const n = Math.min(this.blockLimit(), this.plan.total - this.committed);
      const took = this.transmit(this.committed, n);
      if (took <= 0) break;
      this.committed += took;
      sent = true;
    }
    return sent;
  }

  /**
   * One fnSendTCP of pattern bytes [offset, offset+n). Returns how many bytes the stack
   * counted as sent: new data shows in the unacknowledged count; a repeat (inside
   * REGENERATE) does not, and counts when fnSendTCP took it (a frame length or NO_ARP_ENTRY).
   */
  private transmit(offset: number, n: number, repeat = false): number {
    const buf = this.block;
    for (let i = 0; i < n; i++) buf[MIN_TCP_HLEN + i] = patternByte(this.side, offset + i);
    const before = this.stack.tcp.unacknowledged(this.socket);
    const r = this.stack.api.fnSendTCP(this.socket, buf, n, TCP_FLAG_PUSH);
    if (r < 0 && r !== NO_ARP_ENTRY) {
      this.apiErrors.push(`fnSendTCP → ${r}`);
      return 0;
    }
    if (repeat) return r > 0 || r === NO_ARP_ENTRY ? n : 0;
    return this.stack.tcp.unacknowledged(this.socket) - before;
  }

  /** TCP_EVENT_REGENERATE: rebuild exactly the unacknowledged bytes, block by block. */
  private regenerate(length: number): number {
    if (this.plan.mode === 'buffered') {
      if (length === 0) {
        this.buf(null, 0, TCP_BUF_NEXT | TCP_BUF_SEND);
        return APP_SENT_DATA;
      }
      this.buf(null, 0, TCP_BUF_REP);
      this.buf(null, 0, TCP_BUF_NEXT | TCP_BUF_KICK_NEXT);
      return APP_SENT_DATA;
    }
    if (length !== this.committed - this.acked) {
      this.apiErrors.push(`REGENERATE asked for ${length} bytes, ${this.committed - this.acked} are unacknowledged`);
    }
    let offset = this.acked;
    const end = this.acked + length;
    for (let i = 0; i < 1000 && offset < end; i++) {
      const n = Math.min(this.blockLimit(), end - offset);
      const took = this.transmit(offset, n, true);
      if (took <= 0) break;
      offset += took;
    }
    return offset > this.acked ? APP_SENT_DATA : 0;
  }

  private buf(data: Uint8Array | null, length: number, command: number): number {
    return this.stack.api.fnSendBufTCP(this.socket, data, length, command);
  }

  private bufferFree(): number {
    return this.buf(null, 0, TCP_BUF_CHECK);
  }

  private bufferCapacity(): number {
    return this.stack.api.fnDefineTCPBufferSize(this.socket, 0);
  }

  /** Writes as much as the buffer takes now. */
  private pumpBuffered(): void {
    if (this.closeCalled) return;
    for (let i = 0; i < 100 && this.committed < this.plan.total; i++) {
      const free = this.bufferFree();
      const n = Math.min(free, this.plan.chunk, this.plan.total - this.committed);
      if (n <= 0) return;
      const data = new Uint8Array(n);
      for (let k = 0; k < n; k++) data[k] = patternByte(this.side, this.committed + k);
      this.buf(data, n, TCP_BUF_SEND);
      const queued = free - this.bufferFree();
      if (queued <= 0) return;
      this.committed += queued;
    }
  }

  // ---- the listener ------------------------------------------------------------------------

  private listener(socket: number, event: number, data: Uint8Array | null, portLen: number): number {
    if (socket !== this.socket) this.apiErrors.push(`event ${event} for socket ${socket}, ours is ${this.socket}`);
    switch (event) {
      case TCP_EVENT_CONREQ:
        return APP_ACCEPT;
      case TCP_EVENT_CONNECTED:
        this.connectedCount++;
        this.committed = this.acked = 0;
        this.closeCalled = this.peerClosed = false;
        if (this.plan.mode === 'buffered') {
          this.pumpBuffered();
          return APP_ACCEPT;
        }
        return this.sendSimple() ? APP_SENT_DATA : APP_ACCEPT;
      case TCP_EVENT_DATA:
        this.receive(data, portLen);
        return APP_ACCEPT;
      case TCP_EVENT_ACK:
        return this.onAck();
      case TCP_EVENT_PARTIAL_ACK:
        if (this.plan.mode === 'buffered') {
          this.buf(null, portLen, TCP_BUF_NEXT);
          this.pumpBuffered();
        }
        return APP_ACCEPT;
      case TCP_WINDOW_UPDATE:
        if (this.plan.mode === 'buffered') this.buf(null, 0, TCP_BUF_NEXT | TCP_BUF_KICK_NEXT);
        return APP_ACCEPT;
      case TCP_EVENT_REGENERATE:
        return this.regenerate(portLen);
      case TCP_EVENT_CLOSE:
        this.closeEvents++;
        if (this.closeCalled) return APP_ACCEPT;
        // The peer's FIN (or the idle timer): the stack has closed or will; a half close keeps sending.
        this.peerClosed = true;
        if (this.plan.passiveAnswer === 'accept' && this.committed >= this.plan.total) {
          this.closeCalled = true;
          return APP_ACCEPT;
        }
        return APP_SENT_DATA; // any other answer: half close (CLOSE_WAIT)
      case TCP_EVENT_CLOSED:
        this.closedCount++;
        this.ended();
        return APP_ACCEPT;
      case TCP_EVENT_ABORT:
        this.abortCount++;
        this.ended();
        return APP_ACCEPT;
      default:
        return APP_ACCEPT;
    }
  }

  private onAck(): number {
    if (this.plan.mode === 'buffered') {
      this.buf(null, 0, TCP_BUF_NEXT);
      this.pumpBuffered();
      if (this.plan.closer && this.plan.closeStyle === 'ack-callback' && !this.closeCalled && this.doneWriting()) {
        this.close();
        return APP_REQUEST_CLOSE;
      }
      return APP_ACCEPT;
    }
    this.acked = this.committed;
    if (this.committed < this.plan.total && !this.closeCalled) return this.sendSimple() ? APP_SENT_DATA : APP_ACCEPT;
    if (this.plan.closer && this.plan.closeStyle === 'ack-callback' && !this.closeCalled) {
      this.close();
      return APP_REQUEST_CLOSE;
    }
    return APP_ACCEPT;
  }

  private receive(data: Uint8Array | null, len: number): void {
    if (data === null || data.length !== len) {
      this.apiErrors.push(`DATA with ${data === null ? 'null' : data.length} bytes, length ${len}`);
      return;
    }
    for (let i = 0; i < len; i++) {
      const at = this.received + i;
      if (at >= this.expectIn) {
        this.extraBytes += len - i;
        break;
      }
      if (this.mismatch === undefined && data[i] !== patternByte(1 - this.side, at)) {
        this.mismatch = `${this.name}: byte ${at} is ${data[i]}, expected ${patternByte(1 - this.side, at)}`;
      }
    }
    this.received += len;
  }

  private ended(): void {
    if (this.relisten) {
      const r = this.stack.api.fnTCP_Listen(this.socket, 0, this.plan.rxWindow);
      if (r < 0) this.apiErrors.push(`fnTCP_Listen again → ${r}`);
    }
  }
}
