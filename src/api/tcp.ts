/**
 * µTasker's TCP socket API: every name, argument order and numeric value as in tcpip.h
 * and tcp.c, bound to one TcpStack (several stacks may share a realm, so nothing is
 * global). C pointers become Uint8Arrays: an IPv4 address is 4 bytes, fnSendTCP's buffer
 * keeps MIN_TCP_HLEN (20) bytes for the header in front of the payload.
 *
 *   const tcp = bindTcp(stack);
 *   const s = tcp.fnGetTCP_Socket(TOS_MAXIMISE_THROUGHPUT, TCP_DEFAULT_TIMEOUT, fnHTTPListener);
 *   tcp.fnTCP_Listen(s, 80, 0);
 */
import { BufCommand, TX_FREE as BUFFERED_TX_FREE } from '../net/tcp/buffered.js';
import { DEFAULT_TCP_CONFIG, type TcpConfig } from '../net/tcp/config.js';
import { E_POLL_TCP as CORE_E_POLL_TCP } from '../net/tcp/core.js';
import { TCP_PORTS_END as POOL_PORTS_END, TCP_PORTS_START as POOL_PORTS_START } from '../net/tcp/pool.js';
import { ARP_RESOLUTION_FAILED as NET_ARP_FAILED, ARP_RESOLUTION_SUCCESS as NET_ARP_SUCCESS } from '../net/tcp/network.js';
import type { TcpStack } from '../net/tcp/stack.js';
import type { TcpTaskContext } from '../net/tcp/task.js';
import { DEFAULT_TICK_MS, ticksPerSecond } from './scheduler.js';
import { AppResult, TcpError, TcpEvent, TcpState, type TcpListener } from '../net/tcp/types.js';

/** One row of fnTCP's socket table (a status page, `netstat`). */
export type { TcpSocketInfo } from '../net/tcp/types.js';

// ---- states (tcpip.h; bit patterns, do not renumber) -------------------------------------
export const TCP_STATE_FREE = TcpState.Free; // 0x00
export const TCP_STATE_RESERVED = TcpState.Reserved; // 0x01
export const TCP_STATE_CLOSED = TcpState.Closed; // 0x02
export const TCP_STATE_LISTEN = TcpState.Listen; // 0x03
export const TCP_STATE_TIME_WAIT = TcpState.TimeWait; // 0x04
export const TCP_STATE_SYN_RCVD = TcpState.SynReceived; // 0x08
export const TCP_STATE_SYN_SENT = TcpState.SynSent; // 0x10
export const TCP_STATE_FIN_WAIT_1 = TcpState.FinWait1; // 0x20
export const TCP_STATE_FIN_WAIT_2 = TcpState.FinWait2; // 0x40
export const TCP_STATE_CLOSING = TcpState.Closing; // 0x80
export const TCP_STATE_CLOSE_WAIT = TcpState.CloseWait; // 0x90
export const TCP_STATE_LAST_ACK = TcpState.LastAck; // 0xa0
export const TCP_STATE_ESTABLISHED = TcpState.Established; // 0xb0

// ---- header flags and socket flags -------------------------------------------------------
export const TCP_FLAG_FIN = 0x01;
export const TCP_FLAG_SYN = 0x02;
export const TCP_FLAG_RESET = 0x04;
export const TCP_FLAG_PUSH = 0x08;
export const TCP_FLAG_ACK = 0x10;
export const TCP_FLAG_FIN_RECEIVED = 0x80;
export const TCP_CLOSEPENDING = 0x01;
export const SILLY_WINDOW_AVOIDANCE = 0x02;
export const WINDOW_UPDATE = 0x04;
export const TCP_OVER_IPV6 = 0x08;

// ---- events ------------------------------------------------------------------------------
export const TCP_EVENT_ABORT = TcpEvent.Abort; // 1
export const TCP_EVENT_CONNECTED = TcpEvent.Connected; // 2
export const TCP_EVENT_ACK = TcpEvent.Ack; // 3
export const TCP_EVENT_DATA = TcpEvent.Data; // 4
export const TCP_EVENT_CLOSE = TcpEvent.Close; // 5
export const TCP_EVENT_CLOSED = TcpEvent.Closed; // 6
export const TCP_EVENT_REGENERATE = TcpEvent.Regenerate; // 7
export const TCP_EVENT_CONREQ = TcpEvent.ConnectionRequest; // 8
export const TCP_EVENT_ARP_RESOLUTION_FAILED = TcpEvent.ArpResolutionFailed; // 9
export const TCP_EVENT_PARTIAL_ACK = TcpEvent.PartialAck; // 10
export const TCP_WINDOW_UPDATE = TcpEvent.WindowUpdate; // 11
export const TCP_WINDOW_PROBE = TcpEvent.WindowProbe; // 12

const EVENT_NAMES: Record<number, string> = {
  [TCP_EVENT_ABORT]: 'TCP_EVENT_ABORT',
  [TcpEvent.Connected]: 'TCP_EVENT_CONNECTED',
  [TcpEvent.Ack]: 'TCP_EVENT_ACK',
  [TcpEvent.Data]: 'TCP_EVENT_DATA',
  [TcpEvent.Close]: 'TCP_EVENT_CLOSE',
  [TcpEvent.Closed]: 'TCP_EVENT_CLOSED',
  [TcpEvent.Regenerate]: 'TCP_EVENT_REGENERATE',
  [TcpEvent.ConnectionRequest]: 'TCP_EVENT_CONREQ',
  [TcpEvent.ArpResolutionFailed]: 'TCP_EVENT_ARP_RESOLUTION_FAILED',
  [TcpEvent.PartialAck]: 'TCP_EVENT_PARTIAL_ACK',
  [TcpEvent.WindowUpdate]: 'TCP_WINDOW_UPDATE',
  [TcpEvent.WindowProbe]: 'TCP_WINDOW_PROBE',
};

/** µTasker's name of a listener event, e.g. 6 → "TCP_EVENT_CLOSED". */
export function tcpEventName(event: number): string {
  return EVENT_NAMES[event] ?? `TCP_EVENT_${event}`;
}

// ---- listener return values --------------------------------------------------------------
export const APP_ACCEPT = AppResult.Accept; // 0x0000
export const APP_SENT_DATA = AppResult.SentData; // 0x0001
export const APP_REJECT = AppResult.Reject; // 0x0002
export const APP_WAIT = AppResult.Wait; // 0x0004
export const APP_REQUEST_CLOSE = AppResult.RequestClose; // 0x0008
export const APP_REJECT_DATA = AppResult.RejectData; // 0x0010
export const HANDLING_PARTICAL_ACK = 0x0020;
export const APP_REQUEST_AUTHENTICATION = 0x0040;
export const APP_SECURITY_HANDLED = 0x0080;
export const APP_FREE_DATA = 0x0100;
export const APP_SECURITY_CONNECTED = 0x0200;

// ---- error codes ----------------------------------------------------------------------------
export const NO_TCP_LISTENER_INSTALLED = TcpError.NoListenerInstalled; // -1
export const NO_TCP_SOCKET_FREE = TcpError.NoSocketFree; // -2
export const SOCKET_NOT_FOUND = TcpError.SocketNotFound; // -3
export const SOCKET_STATE_INVALID = TcpError.SocketStateInvalid; // -4
export const NO_FREE_PORTS_AVAILABLE = TcpError.NoFreePortsAvailable; // -5
export const INVALID_INTERFACE = -6;
export const NO_ARP_ENTRY = TcpError.NoArpEntry; // -1

// ---- type of service -----------------------------------------------------------------------
export const TOS_NORMAL_SERVICE = 0x00;
export const TOS_MINIMISE_DELAY = 0x10;
export const TOS_MAXIMISE_THROUGHPUT = 0x08;
export const TOS_MAXIMISE_RELIABILITY = 0x04;
export const TOS_MINIMISE_MONETARY_COST = 0x02;

// ---- timers (µTasker units: seconds, one TCP poll period each) ---------------------------
/** The TCP task's poll period, one second in ticks (1 * SEC at the default 50 ms tick). */
export const T_TCP_PERIOD = ticksPerSecond(DEFAULT_TICK_MS);
export const TCP_DEF_RETRIES = 7;
/** Defined by µTasker and used nowhere in its code; kept for source compatibility. */
export const TCP_CON_ATTEMPTS = 7;
export const TCP_SYN_RETRY_TOUT = 2;
export const TCP_STANDARD_RETRY_TOUT = 3;
export const TCP_SILLY_WINDOW_DELAY = 5;
/** MSL as µTasker's documentation describes TIME_WAIT ("generally 2 minutes"; its code uses 2 s); TIME_WAIT lasts 2 × MSL. */
export const TCP_MSL_TIMEOUT = 60;
/** µTasker's own setting (60 s), not derived from the MSL. */
export const TCP_FIN_WAIT_2_TIMEOUT = 60;
export const TCP_DEFAULT_TIMEOUT = 120;
export const INFINITE_TIMEOUT = 0xffff;
/** Not a µTasker name: how often an unanswered FIN is repeated before the RST (the documentation's "a few times", docs/tcp-states.md). */
export const TCP_FIN_RETRIES = 3;

// ---- sizes ---------------------------------------------------------------------------------
export const LAN_BUFFER_SIZE = 1514;
export const TCP_DEF_MTU = LAN_BUFFER_SIZE - 14 - 20 - 20; // 1460
export const TCP_MAX_WINDOW_SIZE = TCP_DEF_MTU;
export const MIN_TCP_HLEN = 20;
export const MAX_TCP_OPTLEN = 40;
export const TCP_PORTS_START = POOL_PORTS_START; // 49152
export const TCP_PORTS_END = POOL_PORTS_END; // 65535
export const WINDOWING_BUFFERS = 4;
export const TCP_BUFFER = 2800;
export const TCP_BUFFER_FRAME = 1400;
export const MAX_TTL = 0x80;

// ---- helpers' arguments ---------------------------------------------------------------------
export const GET_LOCAL_PORT = 0;
export const GET_REMOTE_PORT = 1;
export const SEARCH_CONNECTION = 0;
export const RESET_CONNECTIONS = 1;

// ---- buffered TCP -----------------------------------------------------------------------------
export const TCP_BUF_SEND = BufCommand.Send; // 0x01
export const TCP_BUF_NEXT = BufCommand.Next; // 0x02
export const TCP_BUF_REP = BufCommand.Repeat; // 0x04
export const TCP_BUF_CHECK = BufCommand.Check; // 0x08
export const TCP_BUF_SEND_REPORT_COPY = BufCommand.SendReportCopy; // 0x10
export const TCP_CONTENT_NEGOTIATION = BufCommand.ContentNegotiation; // 0x20
export const TCP_REPEAT_WINDOW = BufCommand.RepeatWindow; // 0x40
export const TCP_BUF_KICK_NEXT = BufCommand.KickNext; // 0x80
export const TCP_BUF_QUEUE = BufCommand.Queue; // 0x0100
export const TCP_BUF_PREPARE = BufCommand.Prepare; // 0x0200
export const TX_FREE = BUFFERED_TX_FREE; // 0xdd

// ---- the TCP task ------------------------------------------------------------------------------
export const E_POLL_TCP = CORE_E_POLL_TCP; // 1
/** The result the ARP task reports to the owner of a resolution (message content byte 0). */
export const ARP_RESOLUTION_FAILED = NET_ARP_FAILED; // 3
export const ARP_RESOLUTION_SUCCESS = NET_ARP_SUCCESS; // 4

/** µTasker's TCP configuration names (seconds where µTasker counts poll periods). */
export interface UTaskerTcpConfig {
  NO_OF_TCPSOCKETS?: number;
  TCP_DEF_RETRIES?: number;
  TCP_SYN_RETRY_TOUT?: number;
  TCP_STANDARD_RETRY_TOUT?: number;
  TCP_SILLY_WINDOW_DELAY?: number;
  TCP_FIN_WAIT_2_TIMEOUT?: number;
  TCP_MSL_TIMEOUT?: number;
  REUSE_TIME_WAIT_SOCKETS?: boolean;
  TCP_DEF_MTU?: number;
  TCP_BUFFER?: number;
  TCP_BUFFER_FRAME?: number;
  /** Not µTasker's: FIN repeats before the RST (default 3). */
  TCP_FIN_RETRIES?: number;
  /** Not µTasker's: 'rfc6298' (default) or 'utasker' (fixed TCP_STANDARD_RETRY_TOUT). */
  TCP_RTO_MODE?: 'rfc6298' | 'utasker';
}

/** Maps µTasker's names onto the stack's configuration; other TcpConfig fields may be given too. */
export function tcpConfig(u: UTaskerTcpConfig, extras: Partial<TcpConfig> = {}): Partial<TcpConfig> {
  const c: Partial<TcpConfig> = { ...extras };
  const sec = (v: number | undefined): number | undefined => (v === undefined ? undefined : v * 1000);
  if (u.NO_OF_TCPSOCKETS !== undefined) c.sockets = u.NO_OF_TCPSOCKETS;
  if (u.TCP_DEF_RETRIES !== undefined) c.retries = u.TCP_DEF_RETRIES;
  if (u.TCP_SYN_RETRY_TOUT !== undefined) c.synRetryMs = sec(u.TCP_SYN_RETRY_TOUT);
  if (u.TCP_STANDARD_RETRY_TOUT !== undefined) c.retryMs = sec(u.TCP_STANDARD_RETRY_TOUT);
  if (u.TCP_SILLY_WINDOW_DELAY !== undefined) c.sillyWindowDelayMs = sec(u.TCP_SILLY_WINDOW_DELAY);
  if (u.TCP_MSL_TIMEOUT !== undefined) c.mslMs = sec(u.TCP_MSL_TIMEOUT);
  if (u.TCP_FIN_WAIT_2_TIMEOUT !== undefined) c.finWait2TimeoutMs = sec(u.TCP_FIN_WAIT_2_TIMEOUT);
  if (u.REUSE_TIME_WAIT_SOCKETS !== undefined) c.reuseTimeWaitSockets = u.REUSE_TIME_WAIT_SOCKETS;
  if (u.TCP_DEF_MTU !== undefined) c.mss = u.TCP_DEF_MTU;
  if (u.TCP_BUFFER !== undefined) c.txBufferSize = u.TCP_BUFFER;
  if (u.TCP_BUFFER_FRAME !== undefined) c.txBufferFrame = u.TCP_BUFFER_FRAME;
  if (u.TCP_FIN_RETRIES !== undefined) c.finRetries = u.TCP_FIN_RETRIES;
  if (u.TCP_RTO_MODE !== undefined) c.rtoMode = u.TCP_RTO_MODE;
  return c;
}

/** The defaults, under µTasker's names. */
export const TCP_DEFAULTS: Readonly<Required<UTaskerTcpConfig>> = Object.freeze({
  NO_OF_TCPSOCKETS: DEFAULT_TCP_CONFIG.sockets,
  TCP_DEF_RETRIES: DEFAULT_TCP_CONFIG.retries,
  TCP_SYN_RETRY_TOUT: DEFAULT_TCP_CONFIG.synRetryMs / 1000,
  TCP_STANDARD_RETRY_TOUT: DEFAULT_TCP_CONFIG.retryMs / 1000,
  TCP_SILLY_WINDOW_DELAY: DEFAULT_TCP_CONFIG.sillyWindowDelayMs / 1000,
  TCP_FIN_WAIT_2_TIMEOUT: DEFAULT_TCP_CONFIG.finWait2TimeoutMs / 1000,
  TCP_MSL_TIMEOUT: DEFAULT_TCP_CONFIG.mslMs / 1000,
  REUSE_TIME_WAIT_SOCKETS: DEFAULT_TCP_CONFIG.reuseTimeWaitSockets,
  TCP_DEF_MTU: DEFAULT_TCP_CONFIG.mss,
  TCP_BUFFER: DEFAULT_TCP_CONFIG.txBufferSize,
  TCP_BUFFER_FRAME: DEFAULT_TCP_CONFIG.txBufferFrame,
  TCP_FIN_RETRIES: DEFAULT_TCP_CONFIG.finRetries,
  TCP_RTO_MODE: DEFAULT_TCP_CONFIG.rtoMode,
});

/** The listener type: (USOCKET, ucEvent, ucIp_Data, usPortLen) => int. */
export type TcpListenerFunction = TcpListener;

function ipFromBytes(ip: unknown): number {
  if (!(ip instanceof Uint8Array) || ip.length < 4) return Number.NaN;
  return ((ip[0] << 24) | (ip[1] << 16) | (ip[2] << 8) | ip[3]) >>> 0;
}

export interface UTaskerTcp {
  fnGetTCP_Socket(ucTos: number, usIdleTimeout: number, listener: TcpListener): number;
  fnReleaseTCP_Socket(TCPSocket: number): number;
  fnTCP_Listen(TCP_socket: number, usPort: number, usMaxWindow: number): number;
  fnTCP_Connect(TCP_socket: number, RemoteIP: Uint8Array, usRemotePort: number, usOurPort: number, usMaxWindow: number): number;
  fnTCP_close(TCP_Socket: number): number;
  fnSendTCP(TCP_socket: number, ptrBuf: Uint8Array, usDataLen: number, ucTempFlags: number): number;
  fnSendBufTCP(TCP_socket: number, ptrBuf: Uint8Array | null, usDataLen: number, Command: number): number;
  fnDefineTCPBufferSize(TCP_socket: number, usBufferSize: number): number;
  fnModifyTCPWindow(TCPSocket: number, usBufferSpace: number): number;
  fnReportTCPWindow(TCPSocket: number, usBufferSpace: number): number;
  fnTCP_IdleTimeout(TCPSocket: number, usIdleTimeout: number): number;
  fnTCP_Activity(TCP_socket: number): void;
  fnGetTCP_state(TCP_socket: number): number;
  fnActiveTCP_connections(iReset: number): number;
  fnGetFreeTCP_Port(): number;
  fnGetTCP_port(TCP_socket: number, iDestination: number): number;
  fnInsertTCPHeader(TCPSocket: number, ptrBuffer: Uint8Array): Uint8Array;
  /** fnHandleTCP: the interface layer's entry for protocol 6. */
  fnHandleTCP: TcpStack['input'];
  /** fnTaskTCP: the task function for the 'T' entry of the task table. */
  fnTaskTCP: (ctx: TcpTaskContext) => void;
}

/** µTasker's TCP functions for one stack. */
export function bindTcp(stack: TcpStack): UTaskerTcp {
  return {
    fnGetTCP_Socket: (ucTos, usIdleTimeout, listener) => stack.getSocket(ucTos, usIdleTimeout, listener),
    fnReleaseTCP_Socket: (s) => stack.releaseSocket(s),
    fnTCP_Listen: (s, usPort, usMaxWindow) => stack.listen(s, usPort, usMaxWindow),
    fnTCP_Connect: (s, RemoteIP, usRemotePort, usOurPort, usMaxWindow) =>
      stack.connect(s, ipFromBytes(RemoteIP), usRemotePort, usOurPort, usMaxWindow),
    fnTCP_close: (s) => stack.close(s),
    fnSendTCP: (s, ptrBuf, usDataLen, ucTempFlags) => {
      if (stack.state(s) === SOCKET_NOT_FOUND) return SOCKET_NOT_FOUND;
      if (!(ptrBuf instanceof Uint8Array) || !Number.isInteger(usDataLen) || usDataLen < 0 || MIN_TCP_HLEN + usDataLen > ptrBuf.length) {
        return SOCKET_STATE_INVALID;
      }
      return stack.send(s, ptrBuf.subarray(MIN_TCP_HLEN, MIN_TCP_HLEN + usDataLen), ucTempFlags);
    },
    fnSendBufTCP: (s, ptrBuf, usDataLen, Command) => stack.sendBuffered(s, ptrBuf, usDataLen, Command),
    fnDefineTCPBufferSize: (s, usBufferSize) => stack.defineBufferSize(s, usBufferSize),
    fnModifyTCPWindow: (s, usBufferSpace) => stack.modifyWindow(s, usBufferSpace),
    fnReportTCPWindow: (s, usBufferSpace) => stack.reportWindow(s, usBufferSpace),
    fnTCP_IdleTimeout: (s, usIdleTimeout) => stack.setIdleTimeout(s, usIdleTimeout),
    fnTCP_Activity: (s) => stack.activity(s),
    fnGetTCP_state: (s) => stack.state(s),
    fnActiveTCP_connections: (iReset) => stack.activeConnections(iReset),
    fnGetFreeTCP_Port: () => stack.freePort(),
    fnGetTCP_port: (s, iDestination) => stack.port(s, iDestination),
    fnInsertTCPHeader: (_s, ptrBuffer) =>
      ptrBuffer instanceof Uint8Array ? ptrBuffer.subarray(Math.min(MIN_TCP_HLEN, ptrBuffer.length)) : new Uint8Array(0),
    fnHandleTCP: (ip) => stack.input(ip),
    fnTaskTCP: stack.task,
  };
}

/** µTasker's name of a state without its TCP_STATE_ prefix, e.g. 0x04 → "TIME_WAIT" (as the board's trace prints it). */
export { tcpStateName } from '../net/tcp/types.js';
