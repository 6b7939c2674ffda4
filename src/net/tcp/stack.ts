/**
 * The TCP stack: the socket API in idiomatic form (src/api/tcp.ts binds µTasker's names
 * to it), the entry for received segments, and the TCP task. Every public method checks
 * its arguments, returns µTasker's error codes, never throws, and leaves the TCP task's
 * timer armed for the earliest deadline.
 */
import type { Clock } from '../../host/clock.js';
import { silentLog, type LogSink } from '../../host/log.js';
import type { RandomSource } from '../../host/random.js';
import { Counters } from '../counters.js';
import { TCP_ACK, TCP_PSH } from '../wire/tcp.js';
import { ensureTx, sendBuffered } from './buffered.js';
import { resolveTcpConfig, type TcpConfig } from './config.js';
import { stopsListening } from './syn-overload.js';
import { CONNECTION_GONE, TcpCore, type TcpObserver, type TcpScheduler } from './core.js';
import { tcpInput, type TcpIpInput } from './input.js';
import { SEND_NO_ARP_ENTRY, type TcpNetwork } from './network.js';
import { findConnection, freePort } from './pool.js';
import { seqAdd, seqGt } from './seq.js';
import type { TcpSocket } from './socket.js';
import { runTcpTask, type TcpTaskContext } from './task.js';
import { TcpError, TcpEvent, TcpState, tcpStateName, type TcpListener, type TcpSocketInfo } from './types.js';
import { isBytes, isIndex, isU16, isU8, isUnicastAddress } from './validate.js';
import { CNT_TCP_ACTIVE_OPENS, CNT_TCP_INTERNAL_ERRORS } from '../counter-ids.js';

export interface TcpStackOptions {
  network: TcpNetwork;
  scheduler: TcpScheduler;
  clock: Clock;
  random: RandomSource;
  log?: LogSink;
  config?: Partial<TcpConfig>;
  /** Shared with the interface layer when given, so one `netstat -s` shows every layer. */
  counters?: Counters;
}

/** `state & LISTEN_ALLOWED` is µTasker's test in fnTCP_Listen: RESERVED, CLOSED, LISTEN, TIME_WAIT. */
const LISTEN_ALLOWED = 0x07;
/** `state & CONNECT_ALLOWED`: RESERVED, CLOSED, LISTEN. */
const CONNECT_ALLOWED = 0x03;

export class TcpStack {
  readonly config: TcpConfig;
  readonly counters: Counters;
  /** The TCP task function for the task table (task 'T'). */
  readonly task: (ctx: TcpTaskContext) => void;
  private readonly core: TcpCore;

  constructor(o: TcpStackOptions) {
    this.config = resolveTcpConfig(o.config);
    this.counters = o.counters ?? new Counters();
    this.core = new TcpCore(this.config, o.network, o.scheduler, o.clock, o.random, this.counters, o.log ?? silentLog);
    this.task = (ctx) => this.runTask(ctx);
  }

  /** Reports state changes and listener events (the board's trace); undefined stops it. */
  setObserver(observer: TcpObserver | undefined): void {
    this.core.setObserver(observer);
  }

  /** A received IPv4 datagram with protocol 6 addressed to us (checksum not yet verified). */
  input(ip: TcpIpInput): void {
    // guard() written out: the receive path is the deepest call chain on XS (a listener
    // sends from inside it), so it spends no frames on a closure here.
    try {
      tcpInput(this.core, ip);
    } catch (e) {
      this.internalError(e);
    } finally {
      this.core.syncTimer();
    }
  }

  /** The TCP task's run: guard() written out, so that a timer event builds no closure. */
  private runTask(ctx: TcpTaskContext): void {
    try {
      runTcpTask(this.core, ctx);
    } catch (e) {
      this.internalError(e);
    } finally {
      this.core.syncTimer();
    }
  }

  // ---- sockets -------------------------------------------------------------------------

  /** fnGetTCP_Socket: a RESERVED socket, or NO_TCP_LISTENER_INSTALLED / NO_TCP_SOCKET_FREE. */
  getSocket(tos: number, idleTimeoutS: number, listener: TcpListener): number {
    if (typeof listener !== 'function') return TcpError.NoListenerInstalled;
    if (!isU8(tos) || !isU16(idleTimeoutS)) return TcpError.SocketStateInvalid;
    const s = this.core.sockets.find((x) => x.state === TcpState.Free);
    if (s === undefined) return TcpError.NoSocketFree;
    s.release();
    s.setState(TcpState.Reserved);
    s.listener = listener;
    s.tos = tos;
    s.idleTimeoutS = idleTimeoutS;
    return s.index;
  }

  /** fnReleaseTCP_Socket: back to FREE in any state; nothing is sent, no event. */
  releaseSocket(socket: number): number {
    return this.withSocket(socket, (s) => {
      this.core.flushData(s);
      stopsListening(this.core, s);
      s.release();
      this.core.timersStopped();
      return socket;
    });
  }

  /** fnTCP_Listen. Port 0 keeps the previous local port; window 0 means TCP_MAX_WINDOW_SIZE. */
  listen(socket: number, port: number, maxWindow: number): number {
    return this.withSocket(socket, (s) => {
      if ((s.state & LISTEN_ALLOWED) === 0) return TcpError.SocketStateInvalid;
      if (!isU16(port) || !this.isWindow(maxWindow)) return TcpError.SocketStateInvalid;
      const localPort = port !== 0 ? port : s.localPort;
      if (localPort === 0) return TcpError.SocketStateInvalid;
      this.core.flushData(s);
      s.clearConnection();
      this.core.timersStopped();
      s.setState(TcpState.Listen);
      s.localPort = localPort;
      this.core.synBacklog.unlistened.delete(localPort);
      this.setWindow(s, maxWindow);
      return socket;
    });
  }

  /** fnTCP_Connect: SYN now (or after ARP), TCP_EVENT_CONNECTED later. Local port 0 = ephemeral. */
  connect(socket: number, remote: number, remotePort: number, localPort: number, maxWindow: number): number {
    return this.withSocket(socket, (s) => {
      if (!isUnicastAddress(remote) || !isU16(remotePort) || remotePort === 0 || !isU16(localPort) || !this.isWindow(maxWindow)) {
        return TcpError.SocketStateInvalid;
      }
      const reuse = s.state === TcpState.FinWait2 || s.state === TcpState.TimeWait;
      if (reuse ? !this.config.reuseTimeWaitSockets : (s.state & CONNECT_ALLOWED) === 0 || s.state > TcpState.Listen) {
        return TcpError.SocketStateInvalid;
      }
      // Every check comes before the old connection is given up: a refused connect changes nothing.
      const port = localPort !== 0 ? localPort : freePort(this.core);
      if (port === 0) return TcpError.NoFreePortsAvailable;
      const other = findConnection(this.core, remote >>> 0, remotePort, port);
      if (other !== undefined && other !== s) return TcpError.SocketStateInvalid;
      this.core.flushData(s);
      if (reuse && !this.closeForReuse(s)) return TcpError.SocketStateInvalid;
      this.startConnect(s, remote >>> 0, remotePort, port, maxWindow);
      return socket;
    });
  }

  /** fnTCP_close (see TcpCore.close): the socket, or SOCKET_STATE_INVALID when not connected. */
  close(socket: number): number {
    // withSocket() written out: listeners close from inside the receive path.
    if (!isIndex(socket, this.core.sockets.length)) return TcpError.SocketNotFound;
    try {
      const s = this.core.sockets[socket];
      stopsListening(this.core, s);
      return this.core.close(s) ? socket : TcpError.SocketStateInvalid;
    } catch (e) {
      this.internalError(e);
      return TcpError.SocketStateInvalid;
    } finally {
      this.core.syncTimer();
    }
  }

  /**
   * fnSendTCP without the 20 reserved header bytes: sends `payload` as one segment at
   * SND.NXT. Returns the frame length, 0 when not sent (too big for a frame), NO_ARP_ENTRY
   * (the data then counts as sent and is asked for again with TCP_EVENT_REGENERATE after
   * ARP), or SOCKET_STATE_INVALID outside ESTABLISHED and CLOSE_WAIT — so also once our FIN
   * has been sent — and for a payload on a socket that has a transmit buffer.
   */
  send(socket: number, payload: Uint8Array, flags = 0): number {
    // withSocket() written out: listeners call this from inside the receive path.
    if (!isIndex(socket, this.core.sockets.length)) return TcpError.SocketNotFound;
    const s = this.core.sockets[socket];
    try {
      if (!isBytes(payload) || !isU8(flags)) return TcpError.SocketStateInvalid;
      if (s.state !== TcpState.Established && s.state !== TcpState.CloseWait) return TcpError.SocketStateInvalid;
      if (payload.length > this.core.out.maxPayload()) return 0;
      // A socket with a transmit buffer sends its data through it: the buffer's accounting
      // takes every unacknowledged byte as one of its own (docs/deviations.md).
      if (payload.length > 0 && s.tx !== undefined) return TcpError.SocketStateInvalid;
      return this.sendSimple(s, payload, flags);
    } catch (e) {
      this.internalError(e);
      return TcpError.SocketStateInvalid;
    } finally {
      this.core.syncTimer();
    }
  }

  /** fnSendBufTCP (TCP_BUF_* commands); 0 for an invalid socket or argument. */
  sendBuffered(socket: number, data: Uint8Array | null, length: number, command: number): number {
    if (!isIndex(socket, this.core.sockets.length) || !isU16(length) || !isU16(command)) return 0;
    if (data !== null && !isBytes(data)) return 0;
    try {
      return sendBuffered(this.core, this.core.sockets[socket], data, length, command);
    } catch (e) {
      this.internalError(e);
      return 0;
    } finally {
      this.core.syncTimer();
    }
  }

  /** fnDefineTCPBufferSize: the buffer size that applies (0 for an invalid socket). */
  defineBufferSize(socket: number, size: number): number {
    if (!isIndex(socket, this.core.sockets.length) || !isU16(size)) return 0;
    const s = this.core.sockets[socket];
    if (s.state === TcpState.Free) return 0;
    if (s.tx !== undefined) return s.tx.buffer.capacity;
    if (s.txBufferSize === 0 && size > 0) s.txBufferSize = size;
    return s.txBufferSize > 0 ? s.txBufferSize : this.config.txBufferSize;
  }

  /** Creates the buffered-TCP buffer now (µTasker's IMMEDIATE_MEMORY_ALLOCATION); returns its size. */
  allocateBuffer(socket: number): number {
    if (!isIndex(socket, this.core.sockets.length) || this.core.sockets[socket].state === TcpState.Free) return 0;
    return ensureTx(this.core, this.core.sockets[socket]).buffer.capacity;
  }

  /** fnModifyTCPWindow: the window to advertise from now on; nothing is sent. */
  modifyWindow(socket: number, window: number): number {
    return this.withSocket(socket, (s) => {
      if (!this.isWindow(window)) return TcpError.SocketStateInvalid;
      s.rcvWindow = window;
      return socket;
    });
  }

  /**
   * fnReportTCPWindow: as modifyWindow, and an ACK announcing it when ESTABLISHED. From a
   * listener inside the receive path the ACK leaves when the segment is handled (output
   * after input; a data segment leaving then carries the window instead), and the answer is
   * its frame length.
   */
  reportWindow(socket: number, window: number): number {
    return this.withSocket(socket, (s) => {
      if (!this.isWindow(window)) return TcpError.SocketStateInvalid;
      s.rcvWindow = window;
      if (s.state !== TcpState.Established) return TcpError.SocketStateInvalid;
      if (this.core.inInput) return this.core.ackAfterInput(s);
      const r = this.core.sendAckNow(s);
      if (r === SEND_NO_ARP_ENTRY) s.windowUpdatePending = true;
      return r;
    });
  }

  /** fnTCP_IdleTimeout: applies from the next reload of the idle timer. */
  setIdleTimeout(socket: number, seconds: number): number {
    return this.withSocket(socket, (s) => {
      if (!isU16(seconds)) return TcpError.SocketStateInvalid;
      s.idleTimeoutS = seconds;
      return socket;
    });
  }

  /** fnTCP_Activity: reloads the idle timer of a connected socket; ignores anything else. */
  activity(socket: number): void {
    this.withSocket(socket, (s) => {
      this.core.reloadIdle(s);
      return socket;
    });
  }

  /** fnGetTCP_state: the state, or SOCKET_NOT_FOUND. */
  state(socket: number): number {
    return isIndex(socket, this.core.sockets.length) ? this.core.sockets[socket].state : TcpError.SocketNotFound;
  }

  /** fnActiveTCP_connections: SEARCH (0) → 1 if any socket is beyond LISTEN; RESET (1) aborts them all. */
  activeConnections(reset: number): number {
    if (reset !== 0 && reset !== 1) return TcpError.SocketStateInvalid;
    return this.guard(() => {
      const active = this.core.sockets.filter((s) => s.state > TcpState.Listen);
      if (reset === 0) return active.length > 0 ? 1 : 0;
      for (const s of active) if (s.state > TcpState.Listen) this.core.abort(s, true);
      return 0;
    }, 0);
  }

  /** fnGetFreeTCP_Port. */
  freePort(): number {
    return freePort(this.core);
  }

  /** fnGetTCP_port: GET_LOCAL_PORT (0) or GET_REMOTE_PORT (1); 0 for an invalid socket. */
  port(socket: number, which: number): number {
    if (!isIndex(socket, this.core.sockets.length)) return 0;
    const s = this.core.sockets[socket];
    return which === 0 ? s.localPort : which === 1 ? s.remotePort : 0;
  }

  /** The peer's MSS (what a simple-TCP application should not exceed per segment); 0 if invalid. */
  peerMss(socket: number): number {
    return isIndex(socket, this.core.sockets.length) ? this.core.sockets[socket].peerMss : 0;
  }

  /** The peer's current receive window (µTasker's usTxWindowSize); 0 if invalid. */
  peerWindow(socket: number): number {
    return isIndex(socket, this.core.sockets.length) ? this.core.sockets[socket].sndWnd : 0;
  }

  /** Bytes sent but not yet acknowledged (simple TCP: the block TCP_EVENT_REGENERATE would ask for). */
  unacknowledged(socket: number): number {
    if (!isIndex(socket, this.core.sockets.length)) return 0;
    const s = this.core.sockets[socket];
    return (s.sndMax - s.blockStart) >>> 0;
  }

  /** A read-only snapshot of every socket that is not FREE. */
  socketTable(): TcpSocketInfo[] {
    return this.core.sockets.filter((s) => s.state !== TcpState.Free).map((s) => ({
      socket: s.index,
      state: s.state,
      stateName: tcpStateName(s.state),
      localPort: s.localPort,
      peerAddress: s.remoteAddr,
      peerPort: s.remotePort,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      retransmissions: s.retransmissions,
    }));
  }

  /** The earliest pending deadline (ms on the stack's clock), for tests and diagnostics. */
  nextDeadline(): number | undefined {
    let t: number | undefined;
    for (const s of this.core.sockets) {
      const d = s.nextDeadline();
      if (d !== undefined && (t === undefined || d < t)) t = d;
    }
    return t;
  }

  // ---- internals -----------------------------------------------------------------------

  private withSocket(socket: number, fn: (s: TcpSocket) => number): number {
    if (!isIndex(socket, this.core.sockets.length)) return TcpError.SocketNotFound;
    return this.guard(() => fn(this.core.sockets[socket]), TcpError.SocketStateInvalid);
  }

  /** Runs `fn`; an unexpected exception is counted and logged, never passed on. Re-arms the timer. */
  private guard<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (e) {
      this.internalError(e);
      return fallback;
    } finally {
      this.core.syncTimer();
    }
  }

  /** An unexpected exception: counted and logged, never passed on. */
  private internalError(e: unknown): void {
    this.counters.inc(CNT_TCP_INTERNAL_ERRORS);
    this.core.log('error', `tcp: internal error: ${String(e)}`);
  }

  /** A window the API takes: µTasker's unsigned short, or up to maxReceiveWindow (window scaling). */
  private isWindow(value: unknown): value is number {
    return isU16(value) || (isIndex(value, this.config.maxReceiveWindow + 1));
  }

  private setWindow(s: TcpSocket, maxWindow: number): void {
    const w = maxWindow === 0 ? this.config.mss : maxWindow;
    s.rcvWindow = w;
    s.rcvBufferSize = w;
  }

  /**
   * REUSE_TIME_WAIT_SOCKETS for fnTCP_Connect: the FIN_WAIT_2 or TIME_WAIT socket is forced
   * to CLOSED (TCP_EVENT_CLOSED only from FIN_WAIT_2, since TIME_WAIT already reported it);
   * nothing is sent to the old peer. False when the listener took the socket elsewhere.
   */
  private closeForReuse(s: TcpSocket): boolean {
    const fromFinWait2 = s.state === TcpState.FinWait2;
    this.core.endConnection(s, TcpState.Closed);
    if (!fromFinWait2) return true;
    return this.core.notifyPeer(s, TcpEvent.Closed) !== CONNECTION_GONE;
  }

  private startConnect(s: TcpSocket, remote: number, remotePort: number, localPort: number, maxWindow: number): void {
    const core = this.core;
    s.clearConnection();
    s.setPeer(remote, remotePort);
    s.localPort = localPort;
    this.setWindow(s, maxWindow);
    s.peerMss = this.config.defaultPeerMss;
    s.iss = core.newIss(s);
    s.sndUna = s.blockStart = s.iss;
    s.sndNxt = s.sndMax = seqAdd(s.iss, 1);
    s.setState(TcpState.SynSent);
    s.retriesLeft = this.config.retries;
    s.rtxCount = 0;
    s.rtt.start(s.sndMax, core.now());
    core.sendSyn(s);
    core.armRetransmit(s);
    this.counters.inc(CNT_TCP_ACTIVE_OPENS);
  }

  private sendSimple(s: TcpSocket, payload: Uint8Array, flags: number): number {
    const core = this.core;
    const seq = s.sndNxt;
    const len = payload.length;
    if (len === 0) return core.out.send(s, TCP_ACK | (flags & TCP_PSH), seq, payload);
    const r = core.sendPayload(s, TCP_ACK | (flags & TCP_PSH), seq, payload);
    s.sndNxt = seqAdd(seq, len);
    if (seqGt(s.sndNxt, s.sndMax)) {
      s.bytesOut += (s.sndNxt - s.sndMax) >>> 0;
      s.sndMax = s.sndNxt;
    }
    s.persistAt = undefined;
    if (!s.inRegenerate) {
      s.retriesLeft = this.config.retries;
      s.rtxCount = 0;
      s.rtt.start(s.sndNxt, core.now());
      if (s.state === TcpState.Established) core.armIdle(s);
      if (s.rtxAt === undefined) core.armRetransmit(s);
    }
    return r;
  }
}
