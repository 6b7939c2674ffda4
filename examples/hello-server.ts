/**
 * A µTasker-style application: a server on port 7000 that answers every connection with
 * one line and closes once the line is acknowledged (the seed's HTTP 1.0 pattern).
 */
import type { UTaskerApi } from '../src/stack.js';
import {
  APP_ACCEPT, APP_REQUEST_CLOSE, APP_SENT_DATA, MIN_TCP_HLEN, TCP_DEFAULT_TIMEOUT, TCP_EVENT_ABORT, TCP_EVENT_ACK,
  TCP_EVENT_CLOSED, TCP_EVENT_CONNECTED, TCP_EVENT_REGENERATE, TCP_FLAG_PUSH, TOS_MINIMISE_DELAY,
} from '../src/api/tcp.js';

const GREETING = 'hello from xstcp\r\n';

export function fnStartHello(api: UTaskerApi, port = 7000): number {
  const { fnGetTCP_Socket, fnTCP_Listen, fnSendTCP, fnTCP_close } = api;
  // Room for the TCP header in front of the payload, as µTasker's TCP_MESSAGE has.
  const message = new Uint8Array(MIN_TCP_HLEN + GREETING.length);
  for (let i = 0; i < GREETING.length; i++) message[MIN_TCP_HLEN + i] = GREETING.charCodeAt(i);

  function fnHelloListener(Socket: number, ucEvent: number, _ucIp_Data: Uint8Array | null, _usPortLen: number): number {
    switch (ucEvent) {
      case TCP_EVENT_CONNECTED:
      case TCP_EVENT_REGENERATE: // the greeting was lost: send it again
        return fnSendTCP(Socket, message, GREETING.length, TCP_FLAG_PUSH) > 0 ? APP_SENT_DATA : APP_ACCEPT;
      case TCP_EVENT_ACK: // everything acknowledged: close from inside the callback
        fnTCP_close(Socket);
        return APP_REQUEST_CLOSE;
      case TCP_EVENT_CLOSED:
      case TCP_EVENT_ABORT:
        fnTCP_Listen(Socket, 0, 0); // port 0 keeps the previous port
        break;
    }
    return APP_ACCEPT;
  }

  const socket = fnGetTCP_Socket(TOS_MINIMISE_DELAY, TCP_DEFAULT_TIMEOUT, fnHelloListener);
  if (socket >= 0) fnTCP_Listen(socket, port, 0);
  return socket;
}
