/**
 * Echo service (RFC 862) on port 7, on buffered sockets: every byte received is sent back
 * with fnSendBufTCP(TCP_BUF_SEND); the stack keeps and retransmits it.
 *
 * Flow control. The transmit buffer is bounded (SERVICE_BUFFER_SIZE by default) and an echo may
 * only be acknowledged once it is in that buffer, or it would be lost. Two tools exist:
 * returning APP_REJECT_DATA (the data is not acknowledged, the peer sends it again later)
 * and the receive window. We use the window: after each delivery the window announced
 * is the buffer's free space, so the peer never sends more than we can echo, and when
 * acknowledgements free enough space fnReportTCPWindow tells the peer at once. Rejecting
 * would cost a retransmission timeout (1 s or more) and the wasted segment for every
 * stall; the window costs at most one window-update ACK. APP_REJECT_DATA remains as the
 * safety net for a peer that ignores our window (it is counted).
 */
import {
  APP_ACCEPT,
  APP_REJECT_DATA,
  APP_SENT_DATA,
  TCP_BUF_CHECK,
  TCP_BUF_SEND,
  TCP_DEF_MTU,
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
  TOS_MINIMISE_DELAY,
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

export const ECHO_PORT = 7;

export interface EchoCounters extends ServiceCounters {
  /** Segments refused with APP_REJECT_DATA because the buffer had no room (peer ignored the window). */
  rejected: number;
  /** Window updates sent with fnReportTCPWindow. */
  windowReports: number;
}

interface EchoConnection {
  /**
   * The smallest window the peer can currently believe in (bytes beyond the data it has
   * sent). The stack never moves the window's right edge left, and moves it right only in
   * steps of at least `threshold` (RFC 1122 receiver silly-window avoidance).
   */
  peerWindow: number;
}

export function startEcho(api: UTaskerTcp, options: BufferedServiceOptions = {}): BufferedService<EchoCounters> {
  const port = options.port ?? ECHO_PORT;
  const bufferSize = options.bufferSize ?? SERVICE_BUFFER_SIZE;
  const maxWindow = Math.min(options.maxWindow ?? SERVICE_WINDOW, bufferSize);
  const threshold = Math.max(1, Math.min(maxWindow >> 1, TCP_DEF_MTU));
  const onEvent = options.onEvent;
  const counters: EchoCounters = { ...newServiceCounters(), rejected: 0, windowReports: 0 };
  const connections = new Map<number, EchoConnection>();

  /** Room in the socket's transmit buffer (TCP_BUF_CHECK with no data reports the free space). */
  function freeSpace(socket: number): number {
    return api.fnSendBufTCP(socket, null, 0, TCP_BUF_CHECK);
  }

  function echoData(socket: number, conn: EchoConnection, data: Uint8Array | null, length: number): number {
    counters.bytesIn += length;
    if (data === null || api.fnGetTCP_state(socket) !== TCP_STATE_ESTABLISHED) return APP_ACCEPT; // after our FIN nothing can be echoed
    const free = freeSpace(socket);
    if (free < length) {
      counters.bytesIn -= length;
      counters.rejected++;
      api.fnModifyTCPWindow(socket, Math.min(maxWindow, free));
      return APP_REJECT_DATA;
    }
    // The window for the ACK (or echo) that follows: what is left after these bytes.
    const window = Math.min(maxWindow, free - length);
    api.fnModifyTCPWindow(socket, window);
    const kept = Math.max(0, conn.peerWindow - length);
    conn.peerWindow = window - kept >= threshold ? window : kept;
    counters.bytesOut += length;
    return api.fnSendBufTCP(socket, data, length, TCP_BUF_SEND) > 0 ? APP_SENT_DATA : APP_ACCEPT;
  }

  /** Acknowledgements freed buffer space: open the window, and announce it if the peer may be held back. */
  function afterAck(socket: number, conn: EchoConnection, event: number, portLen: number): number {
    const window = Math.min(maxWindow, freeSpace(socket));
    api.fnModifyTCPWindow(socket, window); // any segment sent next carries it
    const answer = driveBufferedTcp(api, socket, event, portLen) ?? APP_ACCEPT;
    if (window - conn.peerWindow >= threshold) {
      if ((answer & APP_SENT_DATA) === 0) {
        api.fnReportTCPWindow(socket, window);
        counters.windowReports++;
      }
      conn.peerWindow = window;
    }
    return answer;
  }

  function fnEchoListener(Socket: number, ucEvent: number, ucIp_Data: Uint8Array | null, usPortLen: number): number {
    const conn = connections.get(Socket);
    if (conn === undefined) return APP_ACCEPT;
    onEvent?.(Socket, ucEvent, usPortLen);
    switch (ucEvent) {
      case TCP_EVENT_CONREQ:
        return APP_ACCEPT;
      case TCP_EVENT_CONNECTED:
        counters.connections++;
        conn.peerWindow = maxWindow; // announced in our SYN+ACK
        return APP_ACCEPT;
      case TCP_EVENT_DATA:
        return echoData(Socket, conn, ucIp_Data, usPortLen);
      case TCP_EVENT_CLOSE:
        return APP_ACCEPT; // the stack sends our FIN once every echoed byte is acknowledged
      case TCP_EVENT_CLOSED:
      case TCP_EVENT_ABORT:
        if (ucEvent === TCP_EVENT_CLOSED) counters.closed++;
        else counters.aborted++;
        api.fnTCP_Listen(Socket, 0, maxWindow);
        return APP_ACCEPT;
      case TCP_EVENT_ACK:
      case TCP_EVENT_PARTIAL_ACK:
      case TCP_EVENT_REGENERATE:
      case TCP_WINDOW_UPDATE:
        return afterAck(Socket, conn, ucEvent, usPortLen);
      default:
        return APP_ACCEPT;
    }
  }

  const opened = openServiceSockets(api, TOS_MINIMISE_DELAY, {
    port, count: options.sockets ?? DEFAULT_SERVICE_SOCKETS, bufferSize, maxWindow, idleTimeout: options.idleTimeout ?? TCP_DEFAULT_TIMEOUT,
  }, fnEchoListener);
  for (const socket of opened.sockets) connections.set(socket, { peerWindow: maxWindow });
  return serviceHandle(api, port, opened, counters, connections);
}
