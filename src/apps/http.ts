/**
 * The HTTP 1.0 server of the seed, written the way µTasker's http.c uses the TCP API, so
 * it doubles as an example of simple TCP:
 *
 * - N sessions, each its own socket from fnGetTCP_Socket(TOS_MAXIMISE_THROUGHPUT,
 *   TCP_DEFAULT_TIMEOUT, fnHTTPListener), all listening on port 80 (an incoming SYN goes
 *   to the first listening socket, so N connections are served in parallel).
 * - The request is parsed from the first data (accumulated over a few segments if it is
 *   split, up to a small limit); the response goes out in blocks of at most
 *   min(peer MSS, HTTP_BUFFER_LENGTH) with fnSendTCP from inside the callback, which
 *   returns APP_SENT_DATA.
 * - One block in flight, TCP_EVENT_ACK sending the next one (the seed's pattern); or, with
 *   `windowBlocks`, up to that many within the peer's window as µTasker's
 *   HTTP_WINDOWING_BUFFERS does, TCP_EVENT_ACK (everything acknowledged) sending the next
 *   ones and partial ACKs ignored (HTTP_IGNORE_PARTIAL_ACKS). After the last block is
 *   acknowledged, fnTCP_close + APP_REQUEST_CLOSE (the seed's example).
 * - The stack keeps no copy: TCP_EVENT_REGENERATE rebuilds exactly the unacknowledged blocks.
 * - TCP_EVENT_CLOSED / TCP_EVENT_ABORT: the session is cleared and the socket listens again
 *   with fnTCP_Listen(socket, 0, 0) (port 0 keeps port 80).
 */
import {
  APP_ACCEPT,
  APP_REQUEST_CLOSE,
  APP_SENT_DATA,
  MIN_TCP_HLEN,
  NO_ARP_ENTRY,
  SOCKET_STATE_INVALID,
  TCP_DEFAULT_TIMEOUT,
  TCP_EVENT_ABORT,
  TCP_EVENT_ACK,
  TCP_EVENT_CLOSE,
  TCP_EVENT_CLOSED,
  TCP_EVENT_CONNECTED,
  TCP_EVENT_CONREQ,
  TCP_EVENT_DATA,
  TCP_EVENT_PARTIAL_ACK,
  TCP_EVENT_REGENERATE,
  TCP_FLAG_PUSH,
  TCP_WINDOW_PROBE,
  TCP_WINDOW_UPDATE,
  TOS_MAXIMISE_THROUGHPUT,
  type UTaskerTcp,
} from '../api/tcp.js';
import { parseRequestHead } from './http-request.js';
import {
  HTTP_BAD_REQUEST,
  HTTP_METHOD_NOT_ALLOWED,
  HTTP_NOT_FOUND,
  HTTP_OK,
  HttpResponse,
  bytesBody,
  errorResponse,
  patternBody,
} from './http-response.js';
import { renderStatusPage, type SocketTableSource } from './status-page.js';
import { asciiBytes } from './text.js';

/** µTasker's defaults (config.h, app_hw_*.h). */
export const NO_OF_HTTP_SESSIONS = 4;
export const HTTP_BUFFER_LENGTH = 1400;
export const HTTP_PORT = 80;
/** Blocks in flight before waiting for their acknowledgement (µTasker's HTTP_WINDOWING_BUFFERS). */
export const HTTP_WINDOWING_BUFFERS = 2;
/**
 * Blocks in flight by default, each a full 1460-byte segment: enough that one round trip
 * through a TAP device does not limit a download (µTasker's own values above stay available).
 */
export const HTTP_BLOCKS_IN_FLIGHT = 8;
export const HTTP_BLOCK_LENGTH = 1460;
/** Bytes of a request head a session keeps while it waits for the rest of it. */
export const HTTP_REQUEST_LIMIT = 1024;
/** Peer MSS assumed when the board cannot tell (µTasker's default without an MSS option). */
const DEFAULT_PEER_MSS = 512;
/** Largest N of `/bytes/N`: the largest integer a double holds exactly. */
const MAX_PATTERN_LENGTH = Number.MAX_SAFE_INTEGER;

export interface HttpServerOptions {
  /** Listening port (default 80). */
  port?: number;
  /** Parallel sessions, one socket each (default NO_OF_HTTP_SESSIONS = 4). */
  sessions?: number;
  /** Idle timeout of each socket in seconds (default TCP_DEFAULT_TIMEOUT). */
  idleTimeout?: number;
  /** Blocks sent before waiting for their acknowledgement (default HTTP_BLOCKS_IN_FLIGHT; µTasker's HTTP_WINDOWING_BUFFERS is 2). */
  windowBlocks?: number;
  /** Largest block per segment before the peer's MSS is applied (default HTTP_BLOCK_LENGTH; µTasker's HTTP_BUFFER_LENGTH is 1400). */
  maxFrame?: number;
  /** Largest request head accepted, in bytes (default HTTP_REQUEST_LIMIT). */
  requestLimit?: number;
  /** The board's socket table and peer MSS/window (pass `stack.tcp`). Without it `/` shows an empty table and blocks are 512 bytes. */
  board?: SocketTableSource;
  /** Title of the status page. */
  title?: string;
  /** Called first thing on every listener event (tracing, tests). */
  onEvent?: (socket: number, event: number, portLen: number) => void;
}

export interface HttpServerCounters {
  connections: number;
  requests: number;
  ok: number;
  badRequest: number;
  notFound: number;
  methodNotAllowed: number;
  /** Blocks given to fnSendTCP, first transmissions and regenerations alike. */
  blocksSent: number;
  /** Response bytes (header and body) the peers have acknowledged. */
  bytesAcknowledged: number;
  regenerations: number;
  /** REGENERATE asked for a length other than the block in flight (should stay 0). */
  regenerateMismatches: number;
  /** TCP_EVENT_CLOSED: connections that ended with a complete close. */
  closed: number;
  /** TCP_EVENT_ABORT: connections reset or given up. */
  aborted: number;
}

export interface HttpServer {
  readonly port: number;
  /** The sockets of the sessions (empty when the start failed). */
  readonly sockets: readonly number[];
  /** 0, or the error code that stopped the start (e.g. NO_TCP_SOCKET_FREE). */
  readonly error: number;
  readonly counters: Readonly<HttpServerCounters>;
  /** Releases every socket (fnReleaseTCP_Socket): open connections are dropped silently. */
  stop(): void;
}

/** What a session is doing: waiting for a connection, reading the request, sending, or finished. */
type Phase = 'idle' | 'request' | 'sending' | 'closing';

interface HttpSession {
  readonly socket: number;
  phase: Phase;
  readonly request: Uint8Array;
  requestLength: number;
  response: HttpResponse | undefined;
  /** Response bytes acknowledged so far. */
  acked: number;
  /** Bytes sent since the last TCP_EVENT_ACK (0 = none): what TCP_EVENT_REGENERATE must rebuild. */
  inFlight: number;
  /** min(peer MSS, maxFrame), fixed when the connection is established. */
  frameLimit: number;
  /** µTasker's TCP_MESSAGE: MIN_TCP_HLEN bytes for the stack's header, then the block. */
  readonly tx: Uint8Array;
}

function validCount(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= max;
}

export function startHttp(api: UTaskerTcp, options: HttpServerOptions = {}): HttpServer {
  const port = options.port ?? HTTP_PORT;
  const sessionCount = options.sessions ?? NO_OF_HTTP_SESSIONS;
  const maxFrame = options.maxFrame ?? HTTP_BLOCK_LENGTH;
  const windowBlocks = options.windowBlocks ?? HTTP_BLOCKS_IN_FLIGHT;
  const requestLimit = options.requestLimit ?? HTTP_REQUEST_LIMIT;
  const idleTimeout = options.idleTimeout ?? TCP_DEFAULT_TIMEOUT;
  const board = options.board;
  const title = options.title ?? 'xstcp board';
  const onEvent = options.onEvent;
  const counters: HttpServerCounters = {
    connections: 0, requests: 0, ok: 0, badRequest: 0, notFound: 0, methodNotAllowed: 0,
    blocksSent: 0, bytesAcknowledged: 0, regenerations: 0, regenerateMismatches: 0, closed: 0, aborted: 0,
  };
  const sessions = new Map<number, HttpSession>();

  /** Sends `n` response bytes from `offset` as one segment. */
  function sendBlock(session: HttpSession, offset: number, n: number): number {
    (session.response as HttpResponse).copy(offset, session.tx, MIN_TCP_HLEN, n);
    counters.blocksSent++;
    return api.fnSendTCP(session.socket, session.tx, n, TCP_FLAG_PUSH);
  }

  /**
   * Sends the blocks after those in flight, up to `windowBlocks` of them, each as large as
   * the frame limit and what is left of the peer's window allow. APP_SENT_DATA only when a
   * segment really left (it carried the ACK): not for NO_ARP_ENTRY.
   */
  function sendNextBlocks(session: HttpSession): number {
    const response = session.response as HttpResponse;
    const window = board?.peerWindow?.(session.socket);
    let answer: number = APP_ACCEPT;
    for (let blocks = session.inFlight === 0 ? 0 : 1; blocks < windowBlocks; blocks++) {
      const offset = session.acked + session.inFlight;
      const full = Math.min(session.frameLimit, response.length - offset);
      let n = full;
      if (window !== undefined) n = Math.min(n, window - session.inFlight); // a closed window: TCP_WINDOW_UPDATE or _PROBE resumes
      // Beyond the first block only whole blocks go out: no slivers of what is left of the window.
      if (n <= 0 || (session.inFlight > 0 && n < full)) break;
      const sent = sendBlock(session, offset, n);
      if (sent === NO_ARP_ENTRY) session.inFlight += n; // counted as sent; the stack asks for it again after ARP
      if (sent <= 0) break;
      session.inFlight += n;
      answer = APP_SENT_DATA;
    }
    return answer;
  }

  /** TCP_EVENT_REGENERATE: rebuilds every byte since the last full acknowledgement, in blocks. */
  function regenerate(session: HttpSession): number {
    let resent = 0;
    while (resent < session.inFlight) {
      const n = Math.min(session.frameLimit, session.inFlight - resent);
      const r = sendBlock(session, session.acked + resent, n);
      if (r < 0 && r !== NO_ARP_ENTRY) return 0;
      if (r === 0 || r === NO_ARP_ENTRY) break; // the stack asks again (ARP) or retries on its timer
      resent += n;
    }
    return APP_SENT_DATA;
  }

  function respond(session: HttpSession, response: HttpResponse): number {
    switch (response.status) {
      case HTTP_OK: counters.ok++; break;
      case HTTP_BAD_REQUEST: counters.badRequest++; break;
      case HTTP_NOT_FOUND: counters.notFound++; break;
      case HTTP_METHOD_NOT_ALLOWED: counters.methodNotAllowed++; break;
      default: break;
    }
    session.phase = 'sending';
    session.response = response;
    session.acked = 0;
    session.inFlight = 0;
    return sendNextBlocks(session);
  }

  function statusPage(): HttpResponse {
    const notes = [
      `HTTP: ${counters.connections} connections, ${counters.requests} requests, ` +
        `${counters.closed} closed, ${counters.aborted} aborted, ${counters.regenerations} regenerated blocks`,
    ];
    const html = renderStatusPage(board?.socketTable() ?? [], { title, notes });
    return new HttpResponse(HTTP_OK, 'text/html', bytesBody(asciiBytes(html)));
  }

  function route(path: string): HttpResponse {
    if (path === '/') return statusPage();
    const bytes = /^\/bytes\/(\d{1,16})$/.exec(path);
    if (bytes !== null) {
      const n = Number(bytes[1]);
      if (n <= MAX_PATTERN_LENGTH) return new HttpResponse(HTTP_OK, 'application/octet-stream', patternBody(n));
    }
    return errorResponse(HTTP_NOT_FOUND, 'no such page');
  }

  /** TCP_EVENT_DATA while the request is being read: accumulate, parse, answer. */
  function receiveRequest(session: HttpSession, data: Uint8Array | null, length: number): number {
    if (session.phase !== 'request' || data === null) return APP_ACCEPT; // one request per connection
    const room = session.request.length - session.requestLength;
    const take = Math.min(room, length, data.length);
    session.request.set(data.subarray(0, take), session.requestLength);
    session.requestLength += take;
    const parsed = parseRequestHead(session.request, session.requestLength);
    if (parsed.kind === 'incomplete') {
      if (take < length || session.requestLength >= session.request.length) {
        counters.requests++;
        return respond(session, errorResponse(HTTP_BAD_REQUEST, 'request too long'));
      }
      return APP_ACCEPT; // wait for the rest of the head
    }
    counters.requests++;
    if (parsed.kind === 'malformed') return respond(session, errorResponse(HTTP_BAD_REQUEST, parsed.reason));
    if (parsed.method !== 'GET') return respond(session, errorResponse(HTTP_METHOD_NOT_ALLOWED, parsed.method));
    return respond(session, route(parsed.path));
  }

  function clearSession(session: HttpSession): void {
    session.phase = 'idle';
    session.requestLength = 0;
    session.response = undefined;
    session.acked = 0;
    session.inFlight = 0;
  }

  function fnHTTPListener(Socket: number, ucEvent: number, ucIp_Data: Uint8Array | null, usPortLen: number): number {
    const session = sessions.get(Socket);
    if (session === undefined) return APP_ACCEPT;
    onEvent?.(Socket, ucEvent, usPortLen);
    switch (ucEvent) {
      case TCP_EVENT_CONREQ:
        return APP_ACCEPT; // each session owns its socket, so a listening socket is a free session

      case TCP_EVENT_CONNECTED: {
        clearSession(session);
        session.phase = 'request';
        const mss = board?.peerMss?.(Socket) ?? 0;
        session.frameLimit = Math.max(1, Math.min(maxFrame, mss > 0 ? mss : DEFAULT_PEER_MSS, session.tx.length - MIN_TCP_HLEN));
        counters.connections++;
        return APP_ACCEPT;
      }

      case TCP_EVENT_DATA:
        return receiveRequest(session, ucIp_Data, usPortLen);

      case TCP_EVENT_ACK:
        if (session.inFlight > 0) {
          session.acked += session.inFlight;
          counters.bytesAcknowledged += session.inFlight;
          session.inFlight = 0;
        }
        if (session.phase !== 'sending') return APP_ACCEPT;
        if (session.acked < (session.response as HttpResponse).length) return sendNextBlocks(session);
        // Everything served has been acknowledged: HTTP 1.0 closes (the seed's example).
        session.phase = 'closing';
        api.fnTCP_close(Socket);
        return APP_REQUEST_CLOSE;

      case TCP_EVENT_PARTIAL_ACK:
        return APP_ACCEPT; // µTasker's HTTP_IGNORE_PARTIAL_ACKS: lost blocks are regenerated whole

      case TCP_EVENT_REGENERATE:
        if (session.inFlight === 0 || session.response === undefined) return 0; // nothing of ours is in flight: give up
        if (usPortLen !== session.inFlight) counters.regenerateMismatches++;
        counters.regenerations++;
        // Non-zero = "repeated"; 0 (a send error) gives up.
        return regenerate(session);

      case TCP_WINDOW_UPDATE:
        // The peer opened its window while nothing was in flight: resume.
        if (session.phase === 'sending' && session.inFlight === 0) return sendNextBlocks(session);
        return APP_ACCEPT;

      case TCP_WINDOW_PROBE:
        // Zero window for a while: a one-byte block makes the peer report its window.
        if (session.phase === 'sending' && session.inFlight === 0 && sendBlock(session, session.acked, 1) > 0) {
          session.inFlight = 1;
          return APP_SENT_DATA;
        }
        return APP_ACCEPT;
        return APP_ACCEPT;

      case TCP_EVENT_CLOSE:
        // The peer closed (or the idle timeout did): no further blocks; APP_ACCEPT = full close.
        if (session.phase !== 'idle') session.phase = 'closing';
        return APP_ACCEPT;

      case TCP_EVENT_CLOSED:
        counters.closed++;
        clearSession(session);
        api.fnTCP_Listen(Socket, 0, 0);
        return APP_ACCEPT;

      case TCP_EVENT_ABORT:
        counters.aborted++;
        clearSession(session);
        api.fnTCP_Listen(Socket, 0, 0);
        return APP_ACCEPT;

      default:
        return APP_ACCEPT;
    }
  }

  const sockets: number[] = [];
  let error = 0;
  const validOptions = validCount(port, 0xffff) && validCount(sessionCount, 255) && validCount(maxFrame, 0xffff) && validCount(requestLimit, 0xffff) && validCount(windowBlocks, 64);
  if (!validOptions) error = SOCKET_STATE_INVALID;
  for (let i = 0; validOptions && i < sessionCount; i++) {
    const socket = api.fnGetTCP_Socket(TOS_MAXIMISE_THROUGHPUT, idleTimeout, fnHTTPListener);
    if (socket < 0) {
      error = socket;
      break;
    }
    sockets.push(socket);
    sessions.set(socket, {
      socket,
      phase: 'idle',
      request: new Uint8Array(requestLimit),
      requestLength: 0,
      response: undefined,
      acked: 0,
      inFlight: 0,
      frameLimit: DEFAULT_PEER_MSS,
      tx: new Uint8Array(MIN_TCP_HLEN + maxFrame),
    });
    const listening = api.fnTCP_Listen(socket, port, 0);
    if (listening < 0) {
      error = listening;
      break;
    }
  }
  const stop = (): void => {
    for (const socket of sockets) api.fnReleaseTCP_Socket(socket);
    sessions.clear();
    sockets.length = 0;
  };
  if (error !== 0) stop();
  return { port, sockets, error, counters, stop };
}
