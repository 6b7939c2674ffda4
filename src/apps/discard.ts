/**
 * Discard service (RFC 863) on port 9: every byte received is counted and thrown away.
 * It never sends data, but its sockets are buffered like the other services' (and it
 * drives them the same way), so any of the three can be turned into a bridge that does.
 */
import {
  APP_ACCEPT,
  TCP_BUFFER,
  TCP_DEFAULT_TIMEOUT,
  TCP_EVENT_ABORT,
  TCP_EVENT_CLOSE,
  TCP_EVENT_CLOSED,
  TCP_EVENT_CONNECTED,
  TCP_EVENT_CONREQ,
  TCP_EVENT_DATA,
  TOS_MAXIMISE_THROUGHPUT,
  type UTaskerTcp,
} from '../api/tcp.js';
import {
  DEFAULT_SERVICE_SOCKETS,
  SERVICE_WINDOW,
  driveBufferedTcp,
  newServiceCounters,
  openServiceSockets,
  serviceHandle,
  type BufferedService,
  type BufferedServiceOptions,
  type ServiceCounters,
} from './buffered.js';

export const DISCARD_PORT = 9;

export interface DiscardCounters extends ServiceCounters {
  /** Bytes received on the connection most recently ended (closed or aborted). */
  lastConnectionBytes: number;
}

export function startDiscard(api: UTaskerTcp, options: BufferedServiceOptions = {}): BufferedService<DiscardCounters> {
  const port = options.port ?? DISCARD_PORT;
  const maxWindow = options.maxWindow ?? SERVICE_WINDOW;
  const onEvent = options.onEvent;
  const counters: DiscardCounters = { ...newServiceCounters(), lastConnectionBytes: 0 };
  /** Bytes received per socket on its current connection. */
  const received = new Map<number, number>();

  function fnDiscardListener(Socket: number, ucEvent: number, _ucIp_Data: Uint8Array | null, usPortLen: number): number {
    const count = received.get(Socket);
    if (count === undefined) return APP_ACCEPT;
    onEvent?.(Socket, ucEvent, usPortLen);
    switch (ucEvent) {
      case TCP_EVENT_CONREQ:
        return APP_ACCEPT;
      case TCP_EVENT_CONNECTED:
        counters.connections++;
        received.set(Socket, 0);
        return APP_ACCEPT;
      case TCP_EVENT_DATA:
        counters.bytesIn += usPortLen;
        received.set(Socket, count + usPortLen);
        return APP_ACCEPT; // the stack acknowledges it: that is all a discard server does
      case TCP_EVENT_CLOSE:
        return APP_ACCEPT;
      case TCP_EVENT_CLOSED:
      case TCP_EVENT_ABORT:
        if (ucEvent === TCP_EVENT_CLOSED) counters.closed++;
        else counters.aborted++;
        counters.lastConnectionBytes = count;
        received.set(Socket, 0);
        api.fnTCP_Listen(Socket, 0, maxWindow);
        return APP_ACCEPT;
      default:
        return driveBufferedTcp(api, Socket, ucEvent, usPortLen) ?? APP_ACCEPT;
    }
  }

  const opened = openServiceSockets(api, TOS_MAXIMISE_THROUGHPUT, {
    port,
    count: options.sockets ?? DEFAULT_SERVICE_SOCKETS,
    bufferSize: options.bufferSize ?? TCP_BUFFER, // it never sends: µTasker's small default
    maxWindow,
    idleTimeout: options.idleTimeout ?? TCP_DEFAULT_TIMEOUT,
  }, fnDiscardListener);
  for (const socket of opened.sockets) received.set(socket, 0);
  return serviceHandle(api, port, opened, counters, received);
}
