/**
 * Everything about the TCP layer that a project may tune. Times are milliseconds here;
 * src/api/tcp.ts maps µTasker's names (TCP_DEF_RETRIES, TCP_MSL_TIMEOUT, ... in seconds)
 * onto these fields.
 *
 * The `rfc*`/extras switches turn each behaviour that goes beyond (or against) µTasker's
 * code on or off; every one defaults to the RFC behaviour, and `UTASKER_CODE_COMPAT`
 * gives the set that reproduces µTasker's code where that is possible.
 */
/**
 * rtoMode's RFC value, for comparisons on the hot path: on our XS host (XS 13.3) every
 * evaluation of a string literal copies it into a new chunk; a constant is made once.
 */
export const RTO_RFC6298 = 'rfc6298';

export interface TcpConfig {
  /** Size of the socket pool (NO_OF_TCPSOCKETS). */
  sockets: number;
  /** Retransmissions of SYN, SYN+ACK and data before the connection is aborted (TCP_DEF_RETRIES). */
  retries: number;
  /** Retransmissions of an unacknowledged FIN before a RST ends the connection ("a few times"). */
  finRetries: number;
  /** 'rfc6298': RTT-estimated RTO with back-off. 'utasker': fixed retryMs/synRetryMs. */
  rtoMode: 'rfc6298' | 'utasker';
  /** Fixed retransmission timeout in 'utasker' mode (TCP_STANDARD_RETRY_TOUT). */
  retryMs: number;
  /** SYN repeat interval after the first repeat in 'utasker' mode (TCP_SYN_RETRY_TOUT). */
  synRetryMs: number;
  /** RFC 6298 bounds. */
  rtoInitialMs: number;
  rtoMinMs: number;
  rtoMaxMs: number;
  /** Delay after which a sender held back by silly-window avoidance sends anyway (TCP_SILLY_WINDOW_DELAY). */
  sillyWindowDelayMs: number;
  /** Longest wait in FIN_WAIT_2 for the peer's FIN (TCP_FIN_WAIT_2_TIMEOUT, 60 s); independent of the MSL. */
  finWait2TimeoutMs: number;
  /** Maximum segment lifetime; TIME_WAIT lasts twice this (TCP_MSL_TIMEOUT). */
  mslMs: number;
  /** Emergency reuse of FIN_WAIT_2/TIME_WAIT sockets by fnTCP_Connect and incoming SYNs (REUSE_TIME_WAIT_SOCKETS). */
  reuseTimeWaitSockets: boolean;
  /** The incoming-SYN half of the reuse (unreachable in µTasker's code: docs/deviations.md). */
  reuseTimeWaitOnSyn: boolean;
  /** MSS we announce and the default receive window (TCP_DEF_MTU). */
  mss: number;
  /** Peer MSS assumed when its SYN carries none (µTasker 512; RFC 9293 says 536). */
  defaultPeerMss: number;
  /** IPv4 TTL of every segment (MAX_TTL). */
  ttl: number;
  /** Default transmit buffer of a buffered socket (TCP_BUFFER). */
  txBufferSize: number;
  /** Largest payload of a buffered frame (µTasker's TCP_BUFFER_FRAME is 1400; the default sends full 1460-byte segments). */
  txBufferFrame: number;
  /**
   * Bytes of fnSendTCP payloads that listeners send while a received segment is handled
   * and that wait until it is finished (output after input); beyond this they leave at once.
   */
  deferredOutputBytes: number;
  /**
   * Delayed ACK (RFC 9293 §3.8.6.3): in-order data is acknowledged with every second
   * segment, or when this delay has passed, or by the application's reply; 0 = every
   * segment at once (µTasker).
   */
  delayedAckMs: number;

  // ---- behaviour beyond µTasker's code (each a documented deviation) -------------------
  /** RFC 5961: RST/SYN validated against the window, challenge ACKs. Off = any RST aborts, a SYN aborts ESTABLISHED. */
  rfc5961: boolean;
  /** Challenge ACKs per second for the whole stack (RFC 5961 §7). */
  challengeAcksPerSecond: number;
  /** A passively opened socket reset (or timed out) in SYN_RCVD returns to LISTEN. */
  synReceivedResetToListen: boolean;
  /** Data carried on the ACK that completes the handshake is delivered. */
  handshakeData: boolean;
  /** Out-of-order segments are held and reassembled (bounded). */
  reassembly: boolean;
  reassemblyMaxBytes: number;
  reassemblyMaxSegments: number;
  /** RFC 6528 initial sequence numbers; off = µTasker's tick-derived ISN. */
  rfc6528Isn: boolean;
  /** Under a SYN flood the oldest half-open connection of the port is recycled (RFC 4987). */
  synFloodRecycle: boolean;
  /**
   * Only half-open connections at least this old are recycled. A burst of real clients
   * completes its handshakes within a round trip; a flood's entries wait out SYN+ACK
   * retransmissions. Without the threshold a burst resets its own connections.
   */
  synFloodRecycleAgeMs: number;
  /**
   * A bare SYN for a port whose listening sockets are all busy with connections:
   * 'cookie' answers with a stateless SYN+ACK (RFC 4987 SYN cookie) and a socket takes the
   * connection when the ACK returns; 'drop' drops it so the client repeats it; 'reset'
   * refuses it with a RST as µTasker does. Ports nobody listens on always get a RST.
   */
  synOverload: 'cookie' | 'drop' | 'reset';
  /** Clients whose cookie came back while no socket was free, queued for the next free one (0: none queued). */
  synBacklog: number;
  /** Data the peer sends after our FIN (FIN_WAIT_1/2) reaches the application. */
  deliverDataAfterFin: boolean;
  /**
   * RFC 9293 in SYN_SENT: a bare SYN starts a simultaneous open and a RST counts only with an
   * acceptable ACK. Off (µTasker): the bare SYN is ignored and any RST aborts the attempt.
   */
  simultaneousOpen: boolean;
  /** Buffered sockets: congestion control (NewReno) and fast retransmit. */
  congestionControl: boolean;
  /**
   * RFC 7323 window scaling: our SYN offers the window-scale option, our SYN+ACK answers a
   * SYN that offered it, and when both did, every later window is scaled (window-scale.ts).
   * Off (µTasker): no option, windows stop at 65 535 bytes.
   */
  windowScaling: boolean;
  /**
   * The largest receive window the socket API takes (fnTCP_Listen, fnTCP_Connect,
   * fnModifyTCPWindow, fnReportTCPWindow), in bytes: 65 535 to 1 073 725 440 (65 535 << 14);
   * more than 65 535 only with windowScaling. The shift we announce is the smallest that fits
   * it into the 16-bit field: 0 by default, so the peer may scale its window but ours stays
   * within 65 535 bytes. A peer without scaling sees at most 65 535.
   */
  maxReceiveWindow: number;
}

export const DEFAULT_TCP_CONFIG: Readonly<TcpConfig> = Object.freeze({
  sockets: 8,
  retries: 7,
  finRetries: 3,
  rtoMode: 'rfc6298',
  retryMs: 3000,
  synRetryMs: 2000,
  rtoInitialMs: 1000,
  rtoMinMs: 1000,
  rtoMaxMs: 60000,
  sillyWindowDelayMs: 5000,
  finWait2TimeoutMs: 60000,
  mslMs: 60000,
  reuseTimeWaitSockets: true,
  reuseTimeWaitOnSyn: true,
  mss: 1460,
  defaultPeerMss: 512,
  ttl: 128,
  txBufferSize: 2800,
  txBufferFrame: 1460,
  deferredOutputBytes: 8 * 1460,
  delayedAckMs: 40,
  rfc5961: true,
  challengeAcksPerSecond: 10,
  synReceivedResetToListen: true,
  handshakeData: true,
  reassembly: true,
  reassemblyMaxBytes: 8192,
  reassemblyMaxSegments: 8,
  rfc6528Isn: true,
  synFloodRecycle: true,
  synFloodRecycleAgeMs: 1000,
  synOverload: 'cookie',
  synBacklog: 256,
  deliverDataAfterFin: true,
  simultaneousOpen: true,
  congestionControl: true,
  windowScaling: true,
  maxReceiveWindow: 0xffff,
} satisfies TcpConfig);

/** The switches that make the stack behave like µTasker's code where that is configurable. */
export const UTASKER_CODE_COMPAT: Readonly<Partial<TcpConfig>> = Object.freeze({
  rtoMode: 'utasker',
  delayedAckMs: 0,
  finRetries: 1,
  mslMs: 2000,
  finWait2TimeoutMs: 60000,
  reuseTimeWaitOnSyn: false,
  rfc5961: false,
  synReceivedResetToListen: false,
  handshakeData: false,
  reassembly: false,
  rfc6528Isn: false,
  synFloodRecycle: false,
  synOverload: 'reset',
  deliverDataAfterFin: false,
  simultaneousOpen: false,
  windowScaling: false,
} satisfies Partial<TcpConfig>);

/** The largest window the 16-bit field can announce: 65 535 << 14 (RFC 7323 §2.3). */
export const MAX_SCALED_WINDOW = 0xffff * 2 ** 14;

function finiteIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** Defaults overlaid with `partial`; a value of the wrong type or out of range keeps the default. */
export function resolveTcpConfig(partial: Partial<TcpConfig> = {}): TcpConfig {
  const d = DEFAULT_TCP_CONFIG;
  const p = partial as Partial<Record<keyof TcpConfig, unknown>>;
  const hour = 3_600_000;
  const windowScaling = bool(p.windowScaling, d.windowScaling);
  return {
    sockets: Math.floor(finiteIn(p.sockets, 1, 255, d.sockets)),
    retries: Math.floor(finiteIn(p.retries, 0, 255, d.retries)),
    finRetries: Math.floor(finiteIn(p.finRetries, 0, 255, d.finRetries)),
    rtoMode: p.rtoMode === 'utasker' || p.rtoMode === 'rfc6298' ? p.rtoMode : d.rtoMode,
    retryMs: finiteIn(p.retryMs, 1, hour, d.retryMs),
    synRetryMs: finiteIn(p.synRetryMs, 1, hour, d.synRetryMs),
    rtoInitialMs: finiteIn(p.rtoInitialMs, 1, hour, d.rtoInitialMs),
    rtoMinMs: finiteIn(p.rtoMinMs, 1, hour, d.rtoMinMs),
    rtoMaxMs: finiteIn(p.rtoMaxMs, 1, hour, d.rtoMaxMs),
    sillyWindowDelayMs: finiteIn(p.sillyWindowDelayMs, 1, hour, d.sillyWindowDelayMs),
    finWait2TimeoutMs: finiteIn(p.finWait2TimeoutMs, 1, hour, d.finWait2TimeoutMs),
    mslMs: finiteIn(p.mslMs, 0, hour, d.mslMs),
    reuseTimeWaitSockets: bool(p.reuseTimeWaitSockets, d.reuseTimeWaitSockets),
    reuseTimeWaitOnSyn: bool(p.reuseTimeWaitOnSyn, d.reuseTimeWaitOnSyn),
    mss: Math.floor(finiteIn(p.mss, 64, 65495, d.mss)),
    defaultPeerMss: Math.floor(finiteIn(p.defaultPeerMss, 64, 65495, d.defaultPeerMss)),
    ttl: Math.floor(finiteIn(p.ttl, 1, 255, d.ttl)),
    txBufferSize: Math.floor(finiteIn(p.txBufferSize, 1, 0x10000, d.txBufferSize)),
    txBufferFrame: Math.floor(finiteIn(p.txBufferFrame, 1, 65495, d.txBufferFrame)),
    deferredOutputBytes: Math.floor(finiteIn(p.deferredOutputBytes, 0, 1 << 20, d.deferredOutputBytes)),
    delayedAckMs: finiteIn(p.delayedAckMs, 0, 500, d.delayedAckMs),
    rfc5961: bool(p.rfc5961, d.rfc5961),
    challengeAcksPerSecond: Math.floor(finiteIn(p.challengeAcksPerSecond, 0, 1_000_000, d.challengeAcksPerSecond)),
    synReceivedResetToListen: bool(p.synReceivedResetToListen, d.synReceivedResetToListen),
    handshakeData: bool(p.handshakeData, d.handshakeData),
    reassembly: bool(p.reassembly, d.reassembly),
    reassemblyMaxBytes: Math.floor(finiteIn(p.reassemblyMaxBytes, 0, 1 << 20, d.reassemblyMaxBytes)),
    reassemblyMaxSegments: Math.floor(finiteIn(p.reassemblyMaxSegments, 0, 64, d.reassemblyMaxSegments)),
    rfc6528Isn: bool(p.rfc6528Isn, d.rfc6528Isn),
    synFloodRecycle: bool(p.synFloodRecycle, d.synFloodRecycle),
    synFloodRecycleAgeMs: finiteIn(p.synFloodRecycleAgeMs, 0, 3_600_000, d.synFloodRecycleAgeMs),
    synBacklog: Math.floor(finiteIn(p.synBacklog, 0, 4096, d.synBacklog)),
    synOverload: p.synOverload === 'cookie' || p.synOverload === 'drop' || p.synOverload === 'reset' ? p.synOverload : d.synOverload,
    deliverDataAfterFin: bool(p.deliverDataAfterFin, d.deliverDataAfterFin),
    simultaneousOpen: bool(p.simultaneousOpen, d.simultaneousOpen),
    congestionControl: bool(p.congestionControl, d.congestionControl),
    windowScaling,
    // Without scaling nothing above 65 535 can be announced.
    maxReceiveWindow: windowScaling ? Math.floor(finiteIn(p.maxReceiveWindow, 0xffff, MAX_SCALED_WINDOW, d.maxReceiveWindow)) : 0xffff,
  };
}
