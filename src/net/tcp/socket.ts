/**
 * One TCP control block (µTasker's TCP_CONTROL). Plain data: the modules of the state
 * machine read and write it; it only knows how to clear itself.
 */
import { RtoEstimator, RttSampler } from './rto.js';
import type { ReassemblyQueue } from './reassembly.js';
import type { BufferedTx } from './buffered.js';
import { TcpState, type TcpListener } from './types.js';

/** Told of every state change of a socket (the board's trace, tests): TcpObserver's part. */
export interface StateObserver {
  stateChanged(socket: number, from: TcpState, to: TcpState): void;
}

export class TcpSocket {
  // The fields every segment reads come first (XS looks properties up in order).
  /** A plain field, not an accessor (read on every segment); only setState writes it. */
  state: TcpState = TcpState.Free;
  rcvNxt = 0;
  /** SND.UNA: oldest unacknowledged sequence number. */
  sndUna = 0;
  sndNxt = 0;
  /** Highest sequence number sent + 1 (SND.NXT before any rewind for a retransmission). */
  sndMax = 0;
  /** SND.WND in bytes: the peer's window field shifted left by sndWndShift. */
  sndWnd = 0;
  /** Snd.Wind.Shift (RFC 7323): the peer's shift, 0 without window scaling. */
  sndWndShift = 0;
  localPort = 0;
  remotePort = 0;
  remoteAddr = 0;
  /** Received data that no transmitted segment has acknowledged yet. */
  ackPending = false;
  /** An ACK is to go out when the segment being handled is finished (output after input). */
  ackDue = false;
  tx: BufferedTx | undefined = undefined;
  readonly index: number;
  /** Set by the stack when someone watches state changes. */
  observer: StateObserver | undefined = undefined;

  /**
   * The one place a socket changes state (docs/tcp-states.md lists who calls it for
   * which segment or event); the observer hears of every change.
   */
  setState(to: TcpState): void {
    const from = this.state;
    if (from === to) return;
    this.state = to;
    // Called directly (no adapter closure): state changes happen deep in the receive path.
    this.observer?.stateChanged(this.index, from, to);
  }

  /**
   * Bumped whenever the socket is bound to a new connection or leaves one (listen,
   * connect, abort, release, ...). TcpCore.notify compares it around every listener call
   * and answers CONNECTION_GONE when it changed; nothing else reads it.
   */
  generation = 0;
  listener: TcpListener | null = null;
  tos = 0;
  /** Seconds; 0xffff = never. */
  idleTimeoutS = 0;

  /** The peer's address as the listener receives it; rewritten in place when the peer changes. */
  readonly peerIp = new Uint8Array(4);
  /** Entered SYN_RCVD from LISTEN (so a reset returns it to LISTEN). */
  passiveOpen = false;
  /** When the connection entered SYN_RCVD (the oldest half-open one is recycled first). */
  openedAt = 0;

  // ---- send sequence space (RFC 9293 §3.3.1) -------------------------------------------
  iss = 0;
  /**
   * µTasker's SUN for simple sockets: where the application's unacknowledged block
   * starts. It only moves when everything sent is acknowledged, because a simple-TCP
   * application regenerates its whole block on TCP_EVENT_REGENERATE.
   */
  blockStart = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  maxSndWnd = 0;
  peerMss = 512;
  /** Our FIN has been sent; it occupies sequence number sndMax − 1. */
  finSent = false;
  /** fnTCP_close while data was outstanding: the FIN follows once everything is acknowledged. */
  closePending = false;

  // ---- receive sequence space -----------------------------------------------------------
  irs = 0;
  /** What the application says it can take (µTasker's usRxWindowSize). */
  rcvWindow = 1460;
  /** The window given to listen/connect: the receive "buffer" for SWS avoidance. */
  rcvBufferSize = 1460;
  /** Rcv.Wind.Shift (RFC 7323): ours, applied to every window we send after the SYNs. */
  rcvWndShift = 0;
  /** Both SYNs carried the window-scale option (our SYN+ACK carries it only then). */
  windowScaled = false;
  /** RCV.NXT + RCV.WND as last advertised; undefined before the first advertisement. */
  rcvAdvEdge: number | undefined = undefined;
  /**
   * The furthest sequence number the peer has shown it sent: the end of out-of-order data
   * (kept or not), or a bare ACK's sequence number beyond RCV.NXT. While it lies beyond
   * RCV.NXT the peer still has to resend what is missing before it.
   */
  rcvHigh = 0;
  /** The peer's FIN has been received (and counted in rcvNxt). */
  finReceived = false;
  /** TCP_EVENT_CLOSE has been given for this connection (peer's FIN or idle expiry); it is given once. */
  closeReported = false;
  reassembly: ReassemblyQueue | undefined = undefined;
  /** Sequence number of the peer's FIN when it arrived beyond a gap; taken once RCV.NXT reaches it. */
  heldFinSeq: number | undefined = undefined;
  /** Our FIN is to go out (or out again) when the segment being handled is finished. */
  finDue = false;

  /** A window report could not be sent for want of ARP; re-sent when ARP resolves. */
  windowUpdatePending = false;

  // ---- timers: absolute deadlines in ms, undefined = not running ------------------------
  // Which may run together: rtxAt, idleAt, persistAt and swsAt belong to a connection that
  // can still send (ESTABLISHED, CLOSE_WAIT; rtxAt also in the handshake and until our FIN
  // is acknowledged) and may run at once — except swsAt, which only runs with nothing in
  // flight, so never with rtxAt. finWait2At and timeWaitAt each run alone: entering
  // FIN_WAIT_2 or TIME_WAIT has stopped every other timer (docs/tcp-states.md).
  /** Retransmission (RFC 6298, or µTasker's fixed timers). */
  rtxAt: number | undefined = undefined;
  /** Idle timeout of the application (fnTCP_IdleTimeout). */
  idleAt: number | undefined = undefined;
  /** Idle periods added in a row because the peer was still mid-transfer (timers.ts, onIdle). */
  idleExtensions = 0;
  /** FIN_WAIT_2 limit (TCP_FIN_WAIT_2_TIMEOUT), restarted by data from the partner. */
  finWait2At: number | undefined = undefined;
  /** End of TIME_WAIT (2 × MSL). */
  timeWaitAt: number | undefined = undefined;
  /** Zero-window persist timer. */
  persistAt: number | undefined = undefined;
  persistBackoff = 0;
  /** Silly-window override timer of a buffered sender. */
  swsAt: number | undefined = undefined;
  /** Delayed ACK: received data waits this long for a second segment or a reply to carry its ACK. */
  delAckAt: number | undefined = undefined;
  /**
   * Our receive window reopened after holding the peer back: the window update is sent
   * again at this time unless data has come since (window-update.ts).
   */
  wndUpdateAt: number | undefined = undefined;
  /** Repeats of the window update sent since the window reopened. */
  wndUpdateRepeats = 0;
  /** RCV.NXT when the window reopened: any later data shows the peer has seen it. */
  wndUpdateRcvNxt = 0;
  retriesLeft = 0;
  /** Retransmissions in a row of the current segment (for fixed-timer back-off rules). */
  rtxCount = 0;
  readonly rto: RtoEstimator;
  readonly rtt = new RttSampler();
  /** Inside the REGENERATE callback: sends are retransmissions, not new data. */
  inRegenerate = false;

  // ---- buffered TCP ---------------------------------------------------------------------
  /** Size requested with fnDefineTCPBufferSize before the buffer exists. */
  txBufferSize = 0;

  // ---- statistics ----------------------------------------------------------------------
  bytesIn = 0;
  bytesOut = 0;
  retransmissions = 0;

  constructor(index: number, rto: RtoEstimator) {
    this.index = index;
    this.rto = rto;
  }

  /** Sets the peer, keeping `peerIp` in step. */
  setPeer(addr: number, port: number): void {
    this.remoteAddr = addr >>> 0;
    this.remotePort = port;
    this.peerIp[0] = addr >>> 24;
    this.peerIp[1] = addr >>> 16;
    this.peerIp[2] = addr >>> 8;
    this.peerIp[3] = addr;
  }

  /** Clears all connection variables and timers (keeps listener, TOS, idle timeout, local port, buffer). */
  clearConnection(): void {
    this.generation++;
    this.setPeer(0, 0);
    this.passiveOpen = false;
    this.iss = this.sndUna = this.blockStart = this.sndNxt = this.sndMax = 0;
    this.sndWnd = this.sndWl1 = this.sndWl2 = this.maxSndWnd = 0;
    this.sndWndShift = this.rcvWndShift = 0;
    this.windowScaled = false;
    this.finSent = this.closePending = false;
    this.irs = this.rcvNxt = this.rcvHigh = 0;
    this.rcvAdvEdge = undefined;
    this.finReceived = this.ackPending = this.windowUpdatePending = this.closeReported = false;
    this.ackDue = this.finDue = false;
    this.reassembly?.clear();
    this.heldFinSeq = undefined;
    this.stopTimers();
    this.retriesLeft = this.rtxCount = 0;
    this.rto.reset();
    this.rtt.reset();
    this.inRegenerate = false;
    this.tx?.reset();
  }

  stopTimers(): void {
    this.rtxAt = this.idleAt = this.finWait2At = this.timeWaitAt = this.persistAt = this.swsAt = this.delAckAt = this.wndUpdateAt = undefined;
    this.persistBackoff = this.wndUpdateRepeats = this.idleExtensions = 0;
  }

  /** Back to FREE, as fnReleaseTCP_Socket leaves it. */
  release(): void {
    this.clearConnection();
    this.setState(TcpState.Free);
    this.listener = null;
    this.tos = 0;
    this.idleTimeoutS = 0;
    this.localPort = 0;
    this.tx = undefined;
    this.txBufferSize = 0;
    this.reassembly = undefined;
    this.bytesIn = this.bytesOut = this.retransmissions = 0;
  }

  /** Earliest running deadline, or undefined. */
  nextDeadline(): number | undefined {
    const closing = earlier(this.finWait2At, this.timeWaitAt);
    const small = earlier(earlier(this.swsAt, this.delAckAt), this.wndUpdateAt);
    return earlier(earlier(earlier(this.rtxAt, this.idleAt), earlier(closing, this.persistAt)), small);
  }
}

function earlier(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined || a <= b ? a : b;
}
