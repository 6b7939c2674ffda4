/**
 * One TCP connection under an ECMA-419 socket: a µTasker buffered socket plus the bytes
 * received and not yet read. Received data is never lost: it is copied into a ring of
 * `receiveBuffer` bytes, and the window the socket advertises is the ring's free space
 * (fnModifyTCPWindow after each delivery, fnReportTCPWindow when reading frees enough),
 * so the peer sends no more than fits; a segment that still does not fit is refused with
 * APP_REJECT_DATA and comes again. Writes are queued with TCP_BUF_SEND | TCP_BUF_PREPARE and sent
 * together at the end of the turn (TCP_BUF_KICK_NEXT), so writes of one turn coalesce.
 */
import {
  APP_ACCEPT,
  APP_REJECT_DATA,
  APP_WAIT,
  TCP_BUF_CHECK,
  TCP_BUF_KICK_NEXT,
  TCP_BUF_PREPARE,
  TCP_BUF_SEND,
  TCP_DEF_MTU,
  TCP_EVENT_ABORT,
  TCP_EVENT_ACK,
  TCP_EVENT_CLOSE,
  TCP_EVENT_CLOSED,
  TCP_EVENT_CONNECTED,
  TCP_EVENT_DATA,
  TCP_EVENT_PARTIAL_ACK,
} from '../../api/tcp.js';
import { driveBufferedTcp } from '../../apps/buffered.js';
import type { Serviceable, SocketHub, SocketOwner } from './hub.js';

/** What a connection tells its ECMA-419 socket (absent while nobody has adopted it). */
export interface ConnectionSink {
  readable(bytes: number): void;
  writable(bytes: number): void;
  error(): void;
}

const PENDING_READABLE = 1;
const PENDING_WRITABLE = 2;
const PENDING_FLUSH = 4;

export class Connection implements SocketOwner, Serviceable {
  queued = false;
  /** The µTasker socket, or -1 once it went back to the pool. */
  socket: number;
  /** Peer's address (u32) and port, known from connect or from TCP_EVENT_CONNECTED. */
  remoteAddress: number;
  remotePort: number;
  /** ESTABLISHED was reached. */
  connected = false;
  /** The peer's FIN arrived (we keep sending in CLOSE_WAIT until close()). */
  peerClosed = false;
  /** The µTasker connection ended (CLOSED or ABORT); the socket is released. */
  ended = false;
  /** close() was called: no more callbacks, the socket finishes its close on its own. */
  closing = false;
  sink: ConnectionSink | undefined = undefined;
  private pending = 0;
  private errorReported = false;
  private readonly hub: SocketHub;
  private rx: Uint8Array;
  private rxStart = 0;
  private rxLength = 0;
  /** The window last given to the stack (fnModifyTCPWindow / fnReportTCPWindow). */
  private announced: number;
  /** Reading must free this much before a window update is worth a segment (RFC 1122 §4.2.3.3). */
  private readonly updateThreshold: number;

  constructor(hub: SocketHub, socket: number, remoteAddress: number, remotePort: number) {
    this.hub = hub;
    this.socket = socket;
    this.remoteAddress = remoteAddress;
    this.remotePort = remotePort;
    this.rx = new Uint8Array(hub.receiveBuffer);
    this.announced = hub.receiveBuffer;
    this.updateThreshold = Math.max(1, Math.min(hub.receiveBuffer >> 1, TCP_DEF_MTU));
  }

  /** The receive window for fnTCP_Listen / fnTCP_Connect: the whole ring. */
  get maxWindow(): number {
    return this.rx.length;
  }

  get available(): number {
    return this.rxLength;
  }

  // ---- events from the stack (inside its listener: record, never call the application) ----

  tcpEvent(socket: number, event: number, data: Uint8Array | null, portLen: number): number {
    switch (event) {
      case TCP_EVENT_CONNECTED:
        this.connected = true;
        if (data !== null && data.length >= 4) {
          this.remoteAddress = ((data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]) >>> 0;
          this.remotePort = portLen;
        }
        this.mark(PENDING_WRITABLE);
        return APP_ACCEPT;
      case TCP_EVENT_DATA:
        return this.received(socket, data, portLen);
      case TCP_EVENT_CLOSE:
        // The peer's FIN. Keep our half open (APP_WAIT) so written bytes still go out;
        // close() sends our FIN. If close() already ran, finish the close now.
        this.peerClosed = true;
        this.mark(0);
        return this.closing ? APP_ACCEPT : APP_WAIT;
      case TCP_EVENT_CLOSED:
      case TCP_EVENT_ABORT:
        this.ended = true;
        this.mark(0);
        return APP_ACCEPT;
      default: {
        const answer = driveBufferedTcp(this.hub.api, socket, event, portLen);
        if (event === TCP_EVENT_ACK || event === TCP_EVENT_PARTIAL_ACK) this.mark(PENDING_WRITABLE);
        return answer ?? APP_ACCEPT;
      }
    }
  }

  private received(socket: number, data: Uint8Array | null, length: number): number {
    if (data === null || length <= 0) return APP_ACCEPT;
    if (this.closing) return APP_ACCEPT; // nobody will read it: acknowledge and drop, as a closed socket does
    const capacity = this.rx.length;
    const free = capacity - this.rxLength;
    if (length > free || length > data.length) {
      // The peer sent beyond our window: not acknowledged, it comes again once there is room.
      this.announce(socket, free, false);
      return APP_REJECT_DATA;
    }
    let at = this.rxStart + this.rxLength;
    if (at >= capacity) at -= capacity;
    const first = Math.min(length, capacity - at);
    this.rx.set(first === data.length ? data : data.subarray(0, first), at);
    if (first < length) this.rx.set(data.subarray(first, length), 0);
    this.rxLength += length;
    this.announce(socket, free - length, false);
    this.mark(PENDING_READABLE);
    return APP_ACCEPT;
  }

  /** Gives the stack the window to advertise; `report` sends it at once (a window update). */
  private announce(socket: number, window: number, report: boolean): void {
    this.announced = window;
    if (report) this.hub.api.fnReportTCPWindow(socket, window);
    else this.hub.api.fnModifyTCPWindow(socket, window);
  }

  private mark(bits: number): void {
    this.pending |= bits;
    this.hub.schedule(this);
  }

  // ---- the service pass (outside the stack: the application may be called) ----------

  service(): void {
    if (this.ended && this.socket >= 0) {
      const socket = this.socket;
      this.socket = -1;
      this.hub.release(socket);
    }
    const pending = this.pending;
    this.pending = 0;
    if (pending & PENDING_FLUSH) this.flush();
    const sink = this.sink;
    if (sink === undefined || this.closing) return;
    if (pending & PENDING_READABLE && this.rxLength > 0) sink.readable(this.rxLength);
    if (this.sink !== sink) return; // closed or handed over inside the callback
    if (this.failedOrFinished() && this.rxLength === 0) {
      // After the peer's FIN or the end of the connection, onError once everything was read.
      if (!this.errorReported) {
        this.errorReported = true;
        sink.error();
      }
      return;
    }
    // Until then the application may still need room to answer what it reads (an echo does).
    if (pending & PENDING_WRITABLE && this.connected && !this.ended) {
      const free = this.writableBytes();
      if (free > 0) sink.writable(free);
    }
  }

  private failedOrFinished(): boolean {
    return this.peerClosed || this.ended;
  }

  /** A new sink (adoption): tell it what is already there. */
  adopt(sink: ConnectionSink): void {
    this.sink = sink;
    this.mark((this.rxLength > 0 ? PENDING_READABLE : 0) | (this.connected ? PENDING_WRITABLE : 0));
  }

  // ---- the application's side ------------------------------------------------------

  /** Room in the send buffer now (0 when the connection cannot send). */
  writableBytes(): number {
    if (!this.connected || this.ended || this.socket < 0) return 0;
    return this.hub.api.fnSendBufTCP(this.socket, null, 0, TCP_BUF_CHECK);
  }

  /**
   * Queues `length` bytes of `bytes` (the caller checked the room); they go out at the end
   * of the turn. Returns the room left.
   */
  write(bytes: Uint8Array, length: number): number {
    const queued = this.hub.api.fnSendBufTCP(this.socket, bytes, length, TCP_BUF_SEND | TCP_BUF_PREPARE);
    if (queued !== length) throw new Error(`tcp: send buffer refused ${length - queued} bytes`);
    this.mark(PENDING_FLUSH);
    return this.writableBytes();
  }

  private flush(): void {
    if (this.socket >= 0 && !this.ended) this.hub.api.fnSendBufTCP(this.socket, null, 0, TCP_BUF_KICK_NEXT);
  }

  /** Moves up to `length` received bytes into `out` at `offset`; returns how many. */
  read(out: Uint8Array, offset: number, length: number): number {
    const n = Math.min(length, this.rxLength);
    const capacity = this.rx.length;
    const first = Math.min(n, capacity - this.rxStart);
    out.set(this.rx.subarray(this.rxStart, this.rxStart + first), offset);
    if (first < n) out.set(this.rx.subarray(0, n - first), offset + first);
    this.rxStart += n;
    if (this.rxStart >= capacity) this.rxStart -= capacity;
    this.rxLength -= n;
    if (this.rxLength === 0) this.rxStart = 0;
    this.reopenWindow();
    if (this.rxLength === 0 && this.failedOrFinished()) this.mark(0); // onError is due now
    return n;
  }

  /** Reading freed room: announce it once it is worth a segment. */
  private reopenWindow(): void {
    if (!this.connected || this.peerClosed || this.ended || this.socket < 0) return;
    const free = this.rx.length - this.rxLength;
    if (free - this.announced >= this.updateThreshold) {
      this.announce(this.socket, free, true);
    } else if (free > this.announced) {
      this.announce(this.socket, free, false);
    }
  }

  /**
   * The application is done: written bytes still go out, then our FIN (fnTCP_close); the
   * socket goes back to the pool when the stack reports the end. Unread data is dropped.
   */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.sink = undefined;
    this.rxLength = 0;
    this.rx = new Uint8Array(0);
    if (this.socket < 0) return;
    if (this.ended) {
      this.mark(0);
      return;
    }
    this.flush();
    // Negative: nothing to close (the connect never started), so no event will come.
    if (this.hub.api.fnTCP_close(this.socket) < 0) this.ended = true;
    this.mark(0);
  }
}
