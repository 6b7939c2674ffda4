/**
 * What every application on a buffered socket does with the acknowledgement events — the
 * pattern of µTasker's telnet.c (docs/deviations.md, buffered TCP). The stack holds the bytes; the listener only
 * tells it when to release and send:
 *
 *   TCP_EVENT_ACK          → fnSendBufTCP(s, 0, 0, TCP_BUF_NEXT)
 *   TCP_EVENT_PARTIAL_ACK  → fnSendBufTCP(s, 0, n, TCP_BUF_NEXT)   (n = bytes still unacknowledged)
 *   TCP_EVENT_REGENERATE   → TCP_BUF_REP, then TCP_BUF_NEXT | TCP_BUF_KICK_NEXT
 *                            (length 0 = a window probe is wanted: TCP_BUF_NEXT | TCP_BUF_SEND)
 *   TCP_WINDOW_UPDATE      → TCP_BUF_NEXT | TCP_BUF_KICK_NEXT
 */
import {
  APP_ACCEPT,
  APP_SENT_DATA,
  SOCKET_STATE_INVALID,
  TCP_BUF_KICK_NEXT,
  TCP_BUF_NEXT,
  TCP_BUF_REP,
  TCP_BUF_SEND,
  TCP_EVENT_ACK,
  TCP_EVENT_PARTIAL_ACK,
  TCP_EVENT_REGENERATE,
  TCP_WINDOW_UPDATE,
  type UTaskerTcp,
} from '../api/tcp.js';

/** fnSendBufTCP counts are unsigned shorts. */
const MAX_U16 = 0xffff;

/**
 * Handles one of the four events above and returns the listener's answer, or undefined
 * when `event` is not one of them (the caller handles it).
 */
export function driveBufferedTcp(api: UTaskerTcp, socket: number, event: number, portLen: number): number | undefined {
  switch (event) {
    case TCP_EVENT_ACK:
      return api.fnSendBufTCP(socket, null, 0, TCP_BUF_NEXT) > 0 ? APP_SENT_DATA : APP_ACCEPT;
    case TCP_EVENT_PARTIAL_ACK:
      return api.fnSendBufTCP(socket, null, Math.min(portLen, MAX_U16), TCP_BUF_NEXT) > 0 ? APP_SENT_DATA : APP_ACCEPT;
    case TCP_EVENT_REGENERATE:
      if (portLen === 0) {
        api.fnSendBufTCP(socket, null, 0, TCP_BUF_NEXT | TCP_BUF_SEND);
      } else {
        api.fnSendBufTCP(socket, null, 0, TCP_BUF_REP);
        api.fnSendBufTCP(socket, null, 0, TCP_BUF_NEXT | TCP_BUF_KICK_NEXT);
      }
      return APP_SENT_DATA; // non-zero: the stack holds the bytes, so the repeat always happens
    case TCP_WINDOW_UPDATE:
      return api.fnSendBufTCP(socket, null, 0, TCP_BUF_NEXT | TCP_BUF_KICK_NEXT) > 0 ? APP_SENT_DATA : APP_ACCEPT;
    default:
      return undefined;
  }
}

/** Options shared by the buffered services (echo, discard, chargen). */
export interface BufferedServiceOptions {
  /** Listening port (each service has its RFC's default). */
  port?: number;
  /** Parallel connections, one socket each (default 2). */
  sockets?: number;
  /** Transmit buffer of each socket, fnDefineTCPBufferSize (default SERVICE_BUFFER_SIZE; µTasker's TCP_BUFFER is 2800). */
  bufferSize?: number;
  /**
   * Receive window given to fnTCP_Listen (default SERVICE_WINDOW; µTasker's TCP_DEF_MTU is
   * 1460). Above 65 535 only on a stack whose maxReceiveWindow allows it (window scaling).
   */
  maxWindow?: number;
  /** Idle timeout in seconds (default TCP_DEFAULT_TIMEOUT). */
  idleTimeout?: number;
  /** Called first thing on every listener event (tracing, tests). */
  onEvent?: (socket: number, event: number, portLen: number) => void;
}

/** Counters every buffered service keeps. */
export interface ServiceCounters {
  connections: number;
  /** Bytes received from peers (all connections). */
  bytesIn: number;
  /** Bytes handed to fnSendBufTCP (all connections). */
  bytesOut: number;
  closed: number;
  aborted: number;
}

export interface BufferedService<C extends ServiceCounters = ServiceCounters> {
  readonly port: number;
  /** The service's sockets (empty when the start failed). */
  readonly sockets: readonly number[];
  /** 0, or the error code that stopped the start (e.g. NO_TCP_SOCKET_FREE). */
  readonly error: number;
  readonly counters: Readonly<C>;
  /** Releases every socket: open connections are dropped silently. */
  stop(): void;
}

export const DEFAULT_SERVICE_SOCKETS = 2;
/**
 * The services' transmit buffer: 16 full segments in flight, so one round trip through a
 * TAP device (0.1-0.3 ms) is not what limits a 100 Mbit/s link (docs/deviations.md).
 */
export const SERVICE_BUFFER_SIZE = 16 * 1460;
/** The services' receive window: the largest without window scaling; they consume data at once. */
export const SERVICE_WINDOW = 0xffff;

/** RFC 7323's largest window (65 535 << 14); the stack refuses what its maxReceiveWindow does not allow. */
const LARGEST_WINDOW = 0xffff * 2 ** 14;

export function newServiceCounters(): ServiceCounters {
  return { connections: 0, bytesIn: 0, bytesOut: 0, closed: 0, aborted: 0 };
}

function validCount(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= max;
}

/**
 * The handle a service returns: its sockets as `openServiceSockets` left them, and a stop
 * that releases them and forgets the per-connection records in `perSocket`.
 */
export function serviceHandle<C extends ServiceCounters>(
  api: UTaskerTcp, port: number, opened: { sockets: number[]; error: number }, counters: C, perSocket: Map<number, unknown>,
): BufferedService<C> {
  const sockets = opened.sockets;
  return {
    port,
    sockets,
    error: opened.error,
    counters,
    stop() {
      for (const socket of sockets) api.fnReleaseTCP_Socket(socket);
      perSocket.clear();
      sockets.length = 0;
    },
  };
}

/**
 * Obtains `count` sockets with `listener`, sizes their buffers and puts them into LISTEN.
 * On any failure the sockets already obtained are released and the error code returned.
 */
export function openServiceSockets(
  api: UTaskerTcp,
  tos: number,
  options: { port: number; count: number; bufferSize: number; maxWindow: number; idleTimeout: number },
  listener: (socket: number, event: number, data: Uint8Array | null, portLen: number) => number,
): { sockets: number[]; error: number } {
  const sockets: number[] = [];
  const valid = validCount(options.port, 0xffff) && validCount(options.count, 255)
    && validCount(options.bufferSize, 0xffff) && validCount(options.maxWindow, LARGEST_WINDOW);
  let error = valid ? 0 : SOCKET_STATE_INVALID; // as the API answers a bad argument
  for (let i = 0; valid && i < options.count; i++) {
    const socket = api.fnGetTCP_Socket(tos, options.idleTimeout, listener);
    if (socket < 0) {
      error = socket;
      break;
    }
    sockets.push(socket);
    api.fnDefineTCPBufferSize(socket, options.bufferSize);
    const r = api.fnTCP_Listen(socket, options.port, options.maxWindow);
    if (r < 0) {
      error = r;
      break;
    }
  }
  if (error !== 0) {
    for (const socket of sockets) api.fnReleaseTCP_Socket(socket);
    sockets.length = 0;
  }
  return { sockets, error };
}
