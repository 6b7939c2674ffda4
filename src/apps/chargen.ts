/**
 * Character generator (RFC 864) on port 19: from the moment a connection is up it sends
 * the classic rotating pattern until the peer closes, on a buffered socket. Whenever an
 * acknowledgement frees room in the transmit buffer the listener fills it again.
 *
 * The pattern: the 95 printable ASCII characters (0x20-0x7e) in lines of 72, each line
 * starting one character further on than the one before, every line ended by CR LF.
 */
import {
  APP_ACCEPT,
  APP_SENT_DATA,
  TCP_BUF_CHECK,
  TCP_BUF_SEND,
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
  TCP_STATE_ESTABLISHED,
  TCP_WINDOW_UPDATE,
  TOS_MAXIMISE_THROUGHPUT,
  type UTaskerTcp,
} from '../api/tcp.js';
import {
  DEFAULT_SERVICE_SOCKETS,
  SERVICE_BUFFER_SIZE,
  SERVICE_WINDOW,
  driveBufferedTcp,
  newServiceCounters,
  openServiceSockets,
  serviceHandle,
  type BufferedService,
  type BufferedServiceOptions,
  type ServiceCounters,
} from './buffered.js';
import { copyBytes } from '../net/wire/bytes.js';

export const CHARGEN_PORT = 19;
/** Printable characters per line. */
export const CHARGEN_LINE_CHARS = 72;
/** Bytes per line including CR LF. */
export const CHARGEN_LINE_BYTES = CHARGEN_LINE_CHARS + 2;
/** The printable ASCII characters, 0x20 to 0x7e. */
export const CHARGEN_CHARACTERS = 95;
const FIRST_PRINTABLE = 0x20;
const CR = 0x0d;
const LF = 0x0a;

/** Byte `position` (counted from the start of the connection) of the pattern. */
export function chargenByte(position: number): number {
  const line = Math.floor(position / CHARGEN_LINE_BYTES);
  const column = position - line * CHARGEN_LINE_BYTES;
  if (column === CHARGEN_LINE_CHARS) return CR;
  if (column === CHARGEN_LINE_CHARS + 1) return LF;
  return FIRST_PRINTABLE + ((line + column) % CHARGEN_CHARACTERS);
}

/** Bytes after which the pattern repeats: line L + 95 is line L again. */
export const CHARGEN_PERIOD_BYTES = CHARGEN_CHARACTERS * CHARGEN_LINE_BYTES;

/**
 * One whole period of the pattern (95 lines, 7,030 bytes), made on the first fill: any
 * stretch of the stream is then one block copy per period it spans, where a copy per
 * line cost most of the sending board's work per segment on XS.
 */
let periodTable: Uint8Array | undefined;

function period(): Uint8Array {
  if (periodTable === undefined) {
    periodTable = new Uint8Array(CHARGEN_PERIOD_BYTES);
    for (let i = 0; i < CHARGEN_PERIOD_BYTES; i++) periodTable[i] = chargenByte(i);
  }
  return periodTable;
}

/** Writes pattern bytes [position, position + n) into `out` at `at`: block copies out of one period. */
export function fillChargen(position: number, out: Uint8Array, at: number, n: number): void {
  const table = period();
  let from = position % CHARGEN_PERIOD_BYTES;
  let i = at;
  const end = at + n;
  while (i < end) {
    const k = Math.min(CHARGEN_PERIOD_BYTES - from, end - i);
    copyBytes(out, i, table, from, from + k); // native on XS
    i += k;
    from = 0;
  }
}

export interface ChargenCounters extends ServiceCounters {
  /** Bytes queued on the connection most recently ended (closed or aborted). */
  lastConnectionBytes: number;
}

interface ChargenConnection {
  /** Pattern bytes queued so far on this connection. */
  position: number;
  /** The peer closed: nothing more is queued, the stack sends our FIN after what is buffered. */
  closing: boolean;
}

export function startChargen(api: UTaskerTcp, options: BufferedServiceOptions = {}): BufferedService<ChargenCounters> {
  const port = options.port ?? CHARGEN_PORT;
  const bufferSize = options.bufferSize ?? SERVICE_BUFFER_SIZE;
  const maxWindow = options.maxWindow ?? SERVICE_WINDOW;
  const onEvent = options.onEvent;
  const counters: ChargenCounters = { ...newServiceCounters(), lastConnectionBytes: 0 };
  const connections = new Map<number, ChargenConnection>();
  // One scratch for all sockets: fnSendBufTCP copies the bytes into the socket's buffer.
  const scratch = new Uint8Array(Number.isInteger(bufferSize) && bufferSize > 0 && bufferSize <= 0xffff ? bufferSize : 1);

  /** Fills the transmit buffer with the next pattern bytes; returns fnSendBufTCP's result. */
  function refill(socket: number, conn: ChargenConnection): number {
    if (conn.closing || api.fnGetTCP_state(socket) !== TCP_STATE_ESTABLISHED) return 0;
    const free = api.fnSendBufTCP(socket, null, 0, TCP_BUF_CHECK);
    const n = Math.min(free, scratch.length);
    if (n <= 0) return 0;
    fillChargen(conn.position, scratch, 0, n);
    conn.position += n;
    counters.bytesOut += n;
    return api.fnSendBufTCP(socket, scratch, n, TCP_BUF_SEND);
  }

  function fnChargenListener(Socket: number, ucEvent: number, _ucIp_Data: Uint8Array | null, usPortLen: number): number {
    const conn = connections.get(Socket);
    if (conn === undefined) return APP_ACCEPT;
    onEvent?.(Socket, ucEvent, usPortLen);
    switch (ucEvent) {
      case TCP_EVENT_CONREQ:
        return APP_ACCEPT;
      case TCP_EVENT_CONNECTED:
        counters.connections++;
        conn.position = 0;
        conn.closing = false;
        return refill(Socket, conn) > 0 ? APP_SENT_DATA : APP_ACCEPT;
      case TCP_EVENT_DATA:
        counters.bytesIn += usPortLen; // RFC 864: whatever the peer sends is thrown away
        return APP_ACCEPT;
      case TCP_EVENT_ACK:
      case TCP_EVENT_PARTIAL_ACK:
      case TCP_EVENT_REGENERATE:
      case TCP_WINDOW_UPDATE: {
        const answer = driveBufferedTcp(api, Socket, ucEvent, usPortLen) ?? APP_ACCEPT;
        return refill(Socket, conn) > 0 ? answer | APP_SENT_DATA : answer;
      }
      case TCP_EVENT_CLOSE:
        conn.closing = true;
        return APP_ACCEPT;
      case TCP_EVENT_CLOSED:
      case TCP_EVENT_ABORT:
        if (ucEvent === TCP_EVENT_CLOSED) counters.closed++;
        else counters.aborted++;
        counters.lastConnectionBytes = conn.position;
        conn.position = 0;
        conn.closing = false;
        api.fnTCP_Listen(Socket, 0, maxWindow);
        return APP_ACCEPT;
      default:
        return APP_ACCEPT;
    }
  }

  const opened = openServiceSockets(api, TOS_MAXIMISE_THROUGHPUT, {
    port, count: options.sockets ?? DEFAULT_SERVICE_SOCKETS, bufferSize, maxWindow, idleTimeout: options.idleTimeout ?? TCP_DEFAULT_TIMEOUT,
  }, fnChargenListener);
  for (const socket of opened.sockets) connections.set(socket, { position: 0, closing: false });
  return serviceHandle(api, port, opened, counters, connections);
}
