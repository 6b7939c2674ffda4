/**
 * The shared state of one TCP stack and the transitions every part of the state machine
 * uses: calling a listener safely, entering and leaving states, the retransmission and
 * idle timers, and keeping the TCP task's mono timer armed for the earliest deadline.
 */
import type { Clock } from '../../host/clock.js';
import type { LogSink } from '../../host/log.js';
import type { RandomSource } from '../../host/random.js';
import { Counters } from '../counters.js';
import { PrefixView } from '../wire/bytes.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../wire/tcp.js';
import { ChallengeAckLimiter } from './challenge-ack.js';
import { DeferredSegments } from './deferred-output.js';
import { RTO_RFC6298, type TcpConfig } from './config.js';
import { IsnGenerator } from './isn.js';
import { IPV4_PAYLOAD_OFFSET, type TcpNetwork } from './network.js';
import { SynBacklog } from './syn-backlog.js';
import { SynCookies } from './syn-cookie.js';
import { SegmentOutput } from './output.js';
import { windowReopened } from './window-update.js';
import { TASK_TCP_CODE } from '../tasks.js';
import { RtoEstimator } from './rto.js';
import { seqAdd, seqDiff, seqGt } from './seq.js';
import { TcpSocket } from './socket.js';
import { AppResult, TcpEvent, TcpState } from './types.js';
import { CNT_TCP_EVENTS, CNT_TCP_EVENTS_OTHER, CNT_TCP_ABORTS, CNT_TCP_CHALLENGE_ACKS, CNT_TCP_CHALLENGE_ACKS_SUPPRESSED, CNT_TCP_IN_RESETS, CNT_TCP_LISTENER_ERRORS, CNT_TCP_OUT_RESETS } from '../counter-ids.js';

/** What the stack needs of the scheduler (a structural subset of src/sched's Scheduler). */
export interface TcpScheduler {
  readonly ticksPerSecond: number;
  /** `task` by name or character code (the stack passes codes: no string work per segment). */
  monoTimer(task: string | number, delayTicks: number, event: number): void;
  stopTimer(task: string | number): void;
  read(queue: number, buf: Uint8Array, n: number): number;
  interruptMessage(task: string, event: number): number;
}

/** Watches a stack's sockets: the board's `--trace`, and tests checking event sequences. */
export interface TcpObserver {
  stateChanged(socket: number, from: TcpState, to: TcpState): void;
  /** A listener is about to be called with `event`; `state` is the socket's state then. */
  event(socket: number, event: TcpEvent, state: TcpState): void;
}

/**
 * What notify answers when the listener released the socket or bound it to another
 * connection (fnReleaseTCP_Socket, fnTCP_Listen, fnTCP_Connect, ... from inside the call):
 * the caller must not touch the socket for the old connection any more. It lies outside
 * the int32 range of real answers, and its bits read as APP_ACCEPT (ToInt32 gives 0).
 */
export const CONNECTION_GONE = 0x1_0000_0000;

/** µTasker's E_POLL_TCP: the event number of the TCP task's mono timer. */
export const E_POLL_TCP = 1;
const INFINITE_IDLE = 0xffff;
/** µTasker's ISN multiplier for its default 50 ms tick: ticks in 4 µs units. */
const UTASKER_ISN_PER_MS = 250;
/** TCP header without options. */
const TCP_HEADER = 20;
/** Shorter Ethernet frames are padded to this (the interface's minimum frame). */
const MIN_FRAME_LEN = 60;
/** Data segments one received segment may make due before they leave without waiting. */
const DEFERRED_SEGMENTS = 16;

export class TcpCore {
  readonly sockets: TcpSocket[];
  readonly out: SegmentOutput;
  readonly challengeAcks: ChallengeAckLimiter;
  /** Where buffered bytes are copied before a segment is built. */
  readonly txScratch: Uint8Array;
  /** Views of txScratch's first bytes, the payloads of segments built from it. */
  readonly txView: PrefixView;
  private readonly isn: IsnGenerator;
  /** Stateless SYN+ACKs for ports whose sockets are all busy (config.synOverload 'cookie'). */
  readonly synCookies: SynCookies;
  /** Clients with a valid cookie waiting for a socket, oldest first. */
  readonly synBacklog: SynBacklog;
  private isnCounter = 0;
  /** Last ephemeral port handed out (fnGetFreeTCP_Port pre-increments). */
  lastPort: number;
  /** Deadline the mono timer is armed for, undefined when it is not armed. */
  private armedFor: number | undefined = undefined;
  /**
   * No socket deadline is earlier than this (undefined: none runs). Every deadline set
   * goes through `deadline`, which lowers it; a stopped or postponed deadline leaves it
   * low, so the timer may fire early, and processTimers' pass then makes it exact. So an
   * entry into the stack costs O(1) for the timer, not a scan of the pool.
   */
  earliest: number | undefined = undefined;
  /** A connection started or ended (its timers stopped): the next syncTimer makes `earliest` exact. */
  private rescan = false;
  /** Sockets with an ACK or FIN due at the end of input (each once). */
  private readonly outputDue: TcpSocket[] = [];
  /**
   * How many of outputDue's entries are due. The array is never shortened: on XS, emptying
   * it frees its storage and the next push allocates it again, once per segment.
   */
  private outputDueCount = 0;
  /** Who watches state changes and listener events (the board's trace). */
  private observer: TcpObserver | undefined = undefined;
  /**
   * True while a received segment is handled: ACKs and FINs become due instead of leaving
   * at once, and flushOutput sends them afterwards in as few segments as possible.
   */
  private deferOutput = false;
  /** Data segments sent from listener calls while a segment is handled (output after input). */
  private readonly deferred: DeferredSegments;
  /**
   * Buffered sockets with bytes written while a segment is handled; sent before endInput
   * (buffered.ts). Entries [markedTaken, markedCount) are waiting. Like outputDue, the array
   * is never shortened: push and shift would give it a new chunk per segment on XS.
   */
  private readonly marked: TcpSocket[] = [];
  private markedCount = 0;
  private markedTaken = 0;
  /** The listener's own answer in the last notify, also when that returned CONNECTION_GONE. */
  lastAnswer = 0;

  constructor(
    readonly config: TcpConfig,
    readonly network: TcpNetwork,
    readonly scheduler: TcpScheduler,
    readonly clock: Clock,
    random: RandomSource,
    readonly counters: Counters,
    readonly log: LogSink,
  ) {
    this.sockets = [];
    for (let i = 0; i < config.sockets; i++) this.sockets.push(new TcpSocket(i, this.newRto()));
    this.out = new SegmentOutput(network, config, counters);
    this.out.onWindowReopened = (s) => windowReopened(this, s);
    this.txScratch = new Uint8Array(Math.max(1, this.out.maxPayload()));
    this.txView = new PrefixView(this.txScratch);
    this.deferred = new DeferredSegments(DEFERRED_SEGMENTS, config.deferredOutputBytes);
    this.challengeAcks = new ChallengeAckLimiter({ perSecond: config.challengeAcksPerSecond, random });
    this.isn = new IsnGenerator(random, () => clock.now());
    this.synCookies = new SynCookies(random);
    this.synBacklog = new SynBacklog(config.synBacklog);
    // RFC 6056: start the ephemeral search at a random place in the range.
    this.lastPort = 49152 + (random.nextU32() % 16384);
  }

  now(): number {
    return this.clock.now();
  }

  /** Reports every state change and every listener event to `observer` (undefined stops it). */
  setObserver(observer: TcpObserver | undefined): void {
    this.observer = observer;
    for (const s of this.sockets) s.observer = observer;
  }

  private newRto(): RtoEstimator {
    const c = this.config;
    return new RtoEstimator({
      initialMs: c.rtoInitialMs, minMs: c.rtoMinMs, maxMs: c.rtoMaxMs,
      granularityMs: 1000 / Math.max(1, this.scheduler.ticksPerSecond),
    });
  }

  // ---- listener calls --------------------------------------------------------------------

  /**
   * Calls the socket's listener: the one place where callback safety is decided. Returns
   * the answer, or CONNECTION_GONE when the socket no longer holds the same connection
   * after the call (whatever the listener answered). A listener that throws is counted and
   * logged and its answer taken as APP_ACCEPT; a non-number answer also counts as APP_ACCEPT.
   */
  notify(s: TcpSocket, event: TcpEvent, data: Uint8Array | null, portLen: number): number {
    const listener = s.listener;
    if (listener === null) return AppResult.Accept;
    this.counters.inc(CNT_TCP_EVENTS[event] ?? CNT_TCP_EVENTS_OTHER);
    this.observer?.event(s.index, event, s.state);
    const connection = s.generation;
    let answer: number = AppResult.Accept;
    try {
      const r = listener(s.index, event, data, portLen);
      // Number.isFinite is false for anything but a finite number (no typeof: a string
      // literal costs an allocation on XS each time it is evaluated).
      if (Number.isFinite(r)) answer = (r as number) | 0;
    } catch (e) {
      this.counters.inc(CNT_TCP_LISTENER_ERRORS);
      this.log('warn', `tcp: listener of socket ${s.index} threw on event ${event}: ${String(e)}`);
    }
    this.lastAnswer = answer;
    return s.generation === connection ? answer : CONNECTION_GONE;
  }

  /** An event whose arguments are the peer's address and port. */
  notifyPeer(s: TcpSocket, event: TcpEvent, port = s.remotePort): number {
    return this.notify(s, event, s.peerIp, port);
  }

  // ---- sequence numbers and timers ---------------------------------------------------------

  newIss(s: TcpSocket): number {
    if (this.config.rfc6528Isn) return this.isn.next(this.network.localAddress(), s.localPort, s.remoteAddr, s.remotePort);
    // µTasker: (tick + k) × M with a per-call counter k, not randomised.
    this.isnCounter = (this.isnCounter + 1) & 0xff;
    return (Math.floor(this.now() / 50) * 50 * UTASKER_ISN_PER_MS + this.isnCounter * 12500) >>> 0;
  }

  /** The retransmission timeout that applies now. */
  rtoFor(s: TcpSocket): number {
    if (this.config.rtoMode === RTO_RFC6298) return s.rto.rtoMs;
    // µTasker: a SYN is repeated after TCP_STANDARD_RETRY_TOUT, later ones after TCP_SYN_RETRY_TOUT.
    if (s.state === TcpState.SynSent && s.rtxCount > 0) return this.config.synRetryMs;
    return this.config.retryMs;
  }

  armRetransmit(s: TcpSocket): void {
    s.rtxAt = this.deadline(this.now() + this.rtoFor(s));
  }

  /** Every socket deadline is set through here: returns `at`, keeping `earliest` a lower bound. */
  deadline(at: number): number {
    if (this.earliest === undefined || at < this.earliest) this.earliest = at;
    return at;
  }

  /** Activity on a connection whose idle timer runs (ESTABLISHED, CLOSE_WAIT): reloads it. */
  reloadIdle(s: TcpSocket): void {
    if (s.state === TcpState.Established || s.state === TcpState.CloseWait) this.armIdle(s);
  }

  /** (Re)loads the idle timer from the socket's idle timeout (µTasker's usLinkTimer). */
  armIdle(s: TcpSocket): void {
    s.idleExtensions = 0;
    s.idleAt = s.idleTimeoutS === INFINITE_IDLE ? undefined : this.deadline(this.now() + s.idleTimeoutS * 1000);
  }

  /**
   * Keeps the TCP task's mono timer armed for the earliest socket deadline (or the lower
   * bound kept for it) and stopped when nothing needs timing. Called at the end of every
   * entry into the stack.
   */
  syncTimer(): void {
    if (this.rescan) this.rescanDeadlines();
    const earliest = this.earliest;
    if (earliest === this.armedFor) return;
    if (earliest === undefined) {
      this.scheduler.stopTimer(TASK_TCP_CODE);
      this.armedFor = undefined;
      return;
    }
    const tickMs = 1000 / Math.max(1, this.scheduler.ticksPerSecond);
    const ticks = Math.max(1, Math.ceil((earliest - this.now()) / tickMs - 1e-9));
    this.scheduler.monoTimer(TASK_TCP_CODE, ticks, E_POLL_TCP);
    this.armedFor = earliest;
  }

  /** Marks `earliest` for a rescan: called when a connection starts or ends, not per segment. */
  timersStopped(): void {
    this.rescan = true;
  }

  /** `earliest` from every socket's deadlines (processTimers does the same in its pass). */
  private rescanDeadlines(): void {
    this.rescan = false;
    this.earliest = undefined;
    const sockets = this.sockets;
    for (let i = 0; i < sockets.length; i++) {
      const d = sockets[i].nextDeadline();
      if (d !== undefined) this.deadline(d);
    }
  }

  /** The mono timer fired (it is one-shot), so it is no longer armed. */
  timerFired(): void {
    this.armedFor = undefined;
  }

  // ---- segments --------------------------------------------------------------------------

  /** An ACK now, or, while a segment is handled, when it is finished. */
  sendAck(s: TcpSocket): void {
    if (!this.deferOutput) this.sendAckNow(s);
    else if (!s.ackDue) {
      if (!s.finDue) this.outputDue[this.outputDueCount++] = s;
      s.ackDue = true;
    }
  }

  /**
   * A bare ACK carries SND.MAX, not a SND.NXT rewound for a retransmission: the peer may
   * hold everything up to SND.MAX, and a sequence number below its RCV.NXT makes it drop
   * the ACK unread — two ends retransmitting at once then never learn of each other's
   * progress (docs/deviations.md).
   */
  sendAckNow(s: TcpSocket): number {
    return this.out.send(s, TCP_ACK, s.sndMax);
  }

  /** An ACK that leaves when the received segment is handled (inInput); answers its frame length. */
  ackAfterInput(s: TcpSocket): number {
    this.sendAck(s);
    return frameLength(0);
  }

  /** A received segment is about to be handled: ACKs and FINs wait for endInput. */
  beginInput(): void {
    this.deferOutput = true;
  }

  /** True while a received segment is handled (between beginInput and endInput). */
  get inInput(): boolean {
    return this.deferOutput;
  }

  /** Marks a buffered socket whose bytes are sent when the received segment is handled. */
  sendAfterInput(s: TcpSocket): void {
    const marked = this.marked;
    for (let i = this.markedTaken; i < this.markedCount; i++) if (marked[i] === s) return;
    marked[this.markedCount++] = s;
  }

  /** The next socket marked by sendAfterInput, oldest first; undefined when none is left. */
  takeMarked(): TcpSocket | undefined {
    if (this.markedTaken === this.markedCount) {
      this.markedTaken = this.markedCount = 0;
      return undefined;
    }
    return this.marked[this.markedTaken++];
  }

  /**
   * The segment is handled: first the data segments the application sent from its
   * callbacks (they carry the ACK, which then is no longer due), then per socket one
   * FIN+ACK when our FIN is due (it acknowledges everything the segment brought, its FIN
   * too), else one ACK if one is still due.
   */
  endInput(): void {
    this.deferOutput = false;
    this.markedTaken = this.markedCount = 0; // normally taken already; left over only when the input failed
    if (this.deferred.pending > 0) this.deferred.flush(this.out, this.sockets, this.txView);
    const due = this.outputDue;
    for (let i = 0; i < this.outputDueCount; i++) if (due[i].finDue || due[i].ackDue) this.flushOutput(due[i]);
    this.outputDueCount = 0;
  }

  /** Sends the socket's due output now (before its application may reuse the socket). */
  flushOutput(s: TcpSocket): void {
    this.flushData(s);
    const fin = s.finDue;
    s.finDue = s.ackDue = false;
    if (fin && s.finSent) this.out.send(s, TCP_FIN | TCP_ACK, seqAdd(s.sndMax, -1));
    else this.sendAckNow(s);
  }

  /** Sends the socket's deferred data segments now (its connection is about to end or change). */
  flushData(s: TcpSocket): void {
    if (this.deferred.pending > 0) this.deferred.flushSocket(this.out, s, this.txView);
  }

  /**
   * A data segment of a simple socket (fnSendTCP). While a segment is handled it is
   * queued and the answer is the frame length it will have (docs/deviations.md).
   */
  sendPayload(s: TcpSocket, flags: number, seq: number, payload: Uint8Array): number {
    if (this.deferOutput) {
      if (this.deferred.addCopy(s, flags, seq, payload)) return frameLength(payload.length);
      this.deferred.flush(this.out, this.sockets, this.txView); // full: keep the order, send now
    }
    return this.out.send(s, flags, seq, payload);
  }

  /** A data segment of `length` bytes of a buffered socket's send buffer, `offset` bytes after SND.UNA. */
  sendFromBuffer(s: TcpSocket, flags: number, seq: number, offset: number, length: number): number {
    const tx = s.tx;
    if (tx === undefined) return 0;
    const scratch = this.txScratch;
    const n = Math.min(length, scratch.length, tx.buffer.length - offset);
    if (n <= 0) return this.out.send(s, flags, seq);
    if (this.deferOutput) {
      if (this.deferred.addRange(s, flags, seq, n)) return frameLength(n);
      this.deferred.flush(this.out, this.sockets, this.txView);
    }
    const len = tx.buffer.copyOut(offset, n, scratch, 0);
    return this.out.send(s, flags, seq, this.txView.view(len));
  }

  /** An ACK answering a RST or SYN that might be forged (RFC 5961 §3.2, §4.2), rate-limited (§7). */
  challengeAck(s: TcpSocket): void {
    if (!this.challengeAcks.allow(this.now())) {
      this.counters.inc(CNT_TCP_CHALLENGE_ACKS_SUPPRESSED);
      return;
    }
    this.counters.inc(CNT_TCP_CHALLENGE_ACKS);
    this.sendAck(s);
  }

  sendSyn(s: TcpSocket): number {
    return this.out.send(s, TCP_SYN, s.iss);
  }

  sendSynAck(s: TcpSocket): number {
    return this.out.send(s, TCP_SYN | TCP_ACK, s.iss);
  }

  /**
   * Sends our FIN, the first time at SND.NXT (which it then occupies), later as a repeat;
   * while a segment is handled it leaves when that is finished (see handleInput).
   */
  sendFin(s: TcpSocket): void {
    if (!s.finSent) {
      s.finSent = true;
      s.sndNxt = seqAdd(s.sndNxt, 1);
      if (seqGt(s.sndNxt, s.sndMax)) s.sndMax = s.sndNxt;
    }
    if (this.deferOutput) {
      if (!s.finDue && !s.ackDue) this.outputDue[this.outputDueCount++] = s;
      s.finDue = true;
    } else this.out.send(s, TCP_FIN | TCP_ACK, seqAdd(s.sndMax, -1));
  }

  /** RST of an established connection we give up on: <SEQ=SND.NXT><CTL=RST>. */
  sendRst(s: TcpSocket): number {
    this.counters.inc(CNT_TCP_OUT_RESETS);
    return this.out.send(s, TCP_RST, s.sndMax);
  }

  // ---- state transitions -----------------------------------------------------------------

  /**
   * Leaves the current connection: timers stop, queued data is dropped, the state becomes
   * `state`. The peer is kept so that the event that follows can report it.
   */
  endConnection(s: TcpSocket, state: TcpState): void {
    s.generation++;
    s.ackDue = s.finDue = false;
    s.stopTimers();
    this.rescan = true;
    s.setState(state);
    s.closePending = false;
    s.reassembly?.clear();
    s.tx?.reset();
  }

  /**
   * The connection failed: optionally a RST to the peer, then CLOSED (or LISTEN for a
   * passively opened socket still in SYN_RCVD, when configured) and TCP_EVENT_ABORT.
   */
  abort(s: TcpSocket, sendRst: boolean): void {
    this.flushData(s);
    if (sendRst) this.sendRst(s);
    const toListen = s.state === TcpState.SynReceived && s.passiveOpen && this.config.synReceivedResetToListen;
    this.endConnection(s, toListen ? TcpState.Listen : TcpState.Closed);
    this.counters.inc(CNT_TCP_ABORTS);
    if (this.notifyPeer(s, TcpEvent.Abort) !== CONNECTION_GONE && toListen) s.setPeer(0, 0);
  }

  /** Reset by the peer (RFC 9293 §3.10.7.4, second check), as abort() but nothing is sent. */
  resetByPeer(s: TcpSocket): void {
    this.counters.inc(CNT_TCP_IN_RESETS);
    if (s.state === TcpState.TimeWait) {
      // The application already had TCP_EVENT_CLOSED for this connection.
      this.endConnection(s, TcpState.Closed);
      return;
    }
    this.abort(s, false);
  }

  enterEstablished(s: TcpSocket): void {
    s.setState(TcpState.Established);
    s.rtxAt = undefined;
    this.rescan = true;
    s.retriesLeft = this.config.retries;
    s.rtxCount = 0;
    this.armIdle(s);
    s.tx?.connected(s.peerMss);
  }

  /**
   * Active close complete (µTasker's fnNewTCPState(TIME_WAIT)): TCP_EVENT_CLOSED at once,
   * so the application can reuse the socket from its callback; if it does not, the
   * socket waits 2×MSL.
   */
  enterTimeWait(s: TcpSocket): void {
    s.setState(TcpState.TimeWait);
    s.stopTimers();
    this.rescan = true;
    s.closePending = false;
    s.reassembly?.clear();
    s.tx?.reset();
    // The connection's last ACK leaves before the application may reuse the socket.
    if (s.ackDue || s.finDue) this.flushOutput(s);
    if (this.notifyPeer(s, TcpEvent.Closed) === CONNECTION_GONE) return;
    this.restartTimeWait(s);
  }

  restartTimeWait(s: TcpSocket): void {
    if (this.config.mslMs <= 0) {
      this.endConnection(s, TcpState.Closed);
      return;
    }
    s.timeWaitAt = this.deadline(this.now() + 2 * this.config.mslMs);
  }

  /** LAST_ACK acknowledged: CLOSED and TCP_EVENT_CLOSED. */
  finishPassiveClose(s: TcpSocket): void {
    this.endConnection(s, TcpState.Closed);
    this.notifyPeer(s, TcpEvent.Closed);
  }

  /** Nothing sent is unacknowledged and no buffered byte waits. */
  allSent(s: TcpSocket): boolean {
    return s.sndUna === s.sndMax && (s.tx === undefined || s.tx.buffer.length === 0);
  }

  /**
   * Sends our FIN now: FIN_WAIT_1, or LAST_ACK when the peer's FIN has already arrived
   * (CLOSE_WAIT, or a close from inside TCP_EVENT_CLOSE).
   */
  sendFinNow(s: TcpSocket): void {
    s.closePending = false;
    s.setState(s.finReceived ? TcpState.LastAck : TcpState.FinWait1);
    s.idleAt = s.persistAt = s.swsAt = s.wndUpdateAt = undefined;
    s.retriesLeft = this.config.finRetries;
    s.rtxCount = 0;
    s.rtt.onRetransmit(); // nothing to time: the FIN is not a data sample worth the trouble
    this.sendFin(s);
    this.armRetransmit(s);
  }

  /**
   * fnTCP_close's state machine (docs/tcp-states.md, "Closing"; differences in docs/deviations.md). Returns false when the
   * state does not allow a close (µTasker's SOCKET_STATE_INVALID).
   */
  close(s: TcpSocket): boolean {
    switch (s.state) {
      case TcpState.Free:
      case TcpState.Reserved:
      case TcpState.Closed:
        return false;
      case TcpState.Listen:
        this.endConnection(s, TcpState.Closed);
        return true;
      case TcpState.SynSent:
        // No segment to the peer (µTasker change {14}); CLOSED is reported with the state
        // already CLOSED so that the callback may listen or connect again.
        this.endConnection(s, TcpState.Closed);
        this.notifyPeer(s, TcpEvent.Closed);
        return true;
      case TcpState.SynReceived:
        this.sendFinNow(s);
        return true;
      case TcpState.Established:
      case TcpState.CloseWait:
        if (this.allSent(s)) this.sendFinNow(s);
        else s.closePending = true;
        return true;
      default:
        return true; // a close is already under way
    }
  }

  /** Sends the pending FIN once everything before it has been acknowledged. */
  finishPendingClose(s: TcpSocket): void {
    if (s.closePending && (s.state === TcpState.Established || s.state === TcpState.CloseWait) && this.allSent(s)) {
      this.sendFinNow(s);
    }
  }

  /** Receive window as last advertised (RCV.WND). */
  receiveWindow(s: TcpSocket): number {
    if (s.rcvAdvEdge === undefined) return s.rcvWindow;
    return Math.max(0, seqDiff(s.rcvAdvEdge, s.rcvNxt));
  }
}

/** The Ethernet frame a data segment of `payload` bytes (no TCP options) becomes. */
function frameLength(payload: number): number {
  return Math.max(MIN_FRAME_LEN, IPV4_PAYLOAD_OFFSET + TCP_HEADER + payload);
}
