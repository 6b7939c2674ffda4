/**
 * A small TCP client for the simulated LAN, written against the same µTasker API as the
 * server apps, so that the tests are two xstcp boards talking to each other: connect,
 * send (buffered TCP), collect what arrives, close. Plus an HTTP GET on top of it and a
 * parser for the response.
 */
import type { Clock } from '../../src/host/clock.js';
import {
  APP_ACCEPT,
  APP_REJECT,
  APP_SENT_DATA,
  APP_WAIT,
  INFINITE_TIMEOUT,
  TCP_BUF_CHECK,
  TCP_BUF_SEND,
  TCP_EVENT_ABORT,
  TCP_EVENT_ACK,
  TCP_EVENT_CLOSE,
  TCP_EVENT_CLOSED,
  TCP_EVENT_CONNECTED,
  TCP_EVENT_CONREQ,
  TCP_EVENT_DATA,
  TCP_EVENT_PARTIAL_ACK,
  TCP_EVENT_REGENERATE,
  TCP_STATE_CLOSE_WAIT,
  TCP_STATE_ESTABLISHED,
  TCP_WINDOW_UPDATE,
  TOS_MINIMISE_DELAY,
  type UTaskerTcp,
  tcpEventName,
} from '../../src/api/tcp.js';
import { driveBufferedTcp } from '../../src/apps/buffered.js';
import { tcpStateName } from '../../src/net/tcp/types.js';

/** Bytes to send, produced on demand (so megabytes need no memory). */
export interface ByteSource {
  readonly length: number;
  copy(offset: number, out: Uint8Array, at: number, n: number): void;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { length: bytes.length, copy: (offset, out, at, n) => out.set(bytes.subarray(offset, offset + n), at) };
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
/** Spread arguments take one XS stack slot each: small chunks keep the simulation within a board's stack. */
const TEXT_CHUNK = 64;
export const text = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += TEXT_CHUNK) s += String.fromCharCode(...b.subarray(i, i + TEXT_CHUNK));
  return s;
};

export interface TcpClientOptions {
  /** For the application's own deferred work (closing after a callback), as a task would run it. */
  clock: Clock;
  /** Receive window for fnTCP_Connect (0 = TCP_MAX_WINDOW_SIZE). */
  window?: number;
  /** Transmit buffer (fnDefineTCPBufferSize), default the stack's TCP_BUFFER. */
  bufferSize?: number;
  /**
   * The answer to the peer's FIN (TCP_EVENT_CLOSE). 'accept' (APP_ACCEPT): our FIN goes at
   * once and acknowledges theirs. 'half-close' (default): only an ACK now (CLOSE_WAIT),
   * and the application closes right after the callback, so the FIN is a segment of its
   * own — what a sockets client that reads end-of-file and then closes does.
   */
  onPeerClose?: 'accept' | 'half-close';
  /** Keep the received bytes (default true). */
  keep?: boolean;
  /** Sees every received chunk (valid during the call) with its offset in the stream. */
  onData?: (chunk: Uint8Array, offset: number) => void;
  /** fnTCP_close once everything queued has been handed to the stack. */
  closeWhenSent?: boolean;
  /** fnTCP_close once this many bytes have arrived. */
  closeAfterReceiving?: number;
}

export interface ClientEvent {
  t: number;
  event: string;
  /** The socket's state inside the callback. */
  state: string;
  portLen: number;
}

export class TcpClient {
  readonly socket: number;
  readonly events: ClientEvent[] = [];
  received = 0;
  connected = false;
  peerClosed = false;
  closed = false;
  aborted = false;
  private readonly chunks: Uint8Array[] = [];
  private readonly queue: { source: ByteSource; offset: number }[] = [];
  private readonly scratch = new Uint8Array(1400);
  private closeRequested = false;

  constructor(private readonly api: UTaskerTcp, private readonly options: TcpClientOptions) {
    this.socket = api.fnGetTCP_Socket(TOS_MINIMISE_DELAY, INFINITE_TIMEOUT, this.listener);
    if (this.socket >= 0 && options.bufferSize !== undefined) api.fnDefineTCPBufferSize(this.socket, options.bufferSize);
  }

  /** fnTCP_Connect to `ip`:`port` from an ephemeral port. */
  connect(ip: Uint8Array, port: number): number {
    return this.api.fnTCP_Connect(this.socket, ip, port, 0, this.options.window ?? 0);
  }

  /** Queues bytes; they go out as the buffer and the window allow. */
  send(data: Uint8Array | string | ByteSource): void {
    const source = typeof data === 'string' ? bytesSource(ascii(data)) : data instanceof Uint8Array ? bytesSource(data) : data;
    this.queue.push({ source, offset: 0 });
    this.pump();
  }

  close(): number {
    this.closeRequested = true;
    return this.api.fnTCP_close(this.socket);
  }

  release(): void {
    this.api.fnReleaseTCP_Socket(this.socket);
  }

  state(): string {
    return tcpStateName(this.api.fnGetTCP_state(this.socket));
  }

  /** Connection over: CLOSED or ABORT reported. */
  get finished(): boolean {
    return this.closed || this.aborted;
  }

  /** Everything kept so far, in one array. */
  data(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  eventNames(): string[] {
    return this.events.map((e) => e.event);
  }

  /** Runs `fn` after the current callback, as the application's task would. */
  private later(fn: () => void): void {
    this.options.clock.setTimer(this.options.clock.now(), fn);
  }

  private closeLater(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    this.later(() => this.api.fnTCP_close(this.socket));
  }

  /** Hands queued bytes to the stack while its buffer has room. Bounded: each pass moves data or stops. */
  private pump(): number {
    let first = 0;
    for (let i = 0; i < 64 && this.queue.length > 0; i++) {
      const st = this.api.fnGetTCP_state(this.socket);
      if (st !== TCP_STATE_ESTABLISHED && st !== TCP_STATE_CLOSE_WAIT) break;
      const head = this.queue[0];
      const free = this.api.fnSendBufTCP(this.socket, null, 0, TCP_BUF_CHECK);
      const n = Math.min(free, this.scratch.length, head.source.length - head.offset);
      if (n > 0) {
        head.source.copy(head.offset, this.scratch, 0, n);
        const r = this.api.fnSendBufTCP(this.socket, this.scratch, n, TCP_BUF_SEND);
        if (first === 0) first = r;
        head.offset += n;
      }
      if (head.offset >= head.source.length) this.queue.shift();
      else if (n <= 0) break;
    }
    if (this.queue.length === 0 && this.options.closeWhenSent) this.closeLater();
    return first;
  }

  private readonly listener = (socket: number, event: number, data: Uint8Array | null, portLen: number): number => {
    this.events.push({ t: this.options.clock.now(), event: tcpEventName(event), state: tcpStateName(this.api.fnGetTCP_state(socket)), portLen });
    switch (event) {
      case TCP_EVENT_CONREQ:
        return APP_REJECT; // a client takes no incoming connections
      case TCP_EVENT_CONNECTED:
        this.connected = true;
        return this.pump() > 0 ? APP_SENT_DATA : APP_ACCEPT;
      case TCP_EVENT_DATA:
        if (data !== null) {
          this.options.onData?.(data, this.received);
          if (this.options.keep !== false) this.chunks.push(data.slice(0, portLen));
        }
        this.received += portLen;
        if (this.options.closeAfterReceiving !== undefined && this.received >= this.options.closeAfterReceiving) this.closeLater();
        return APP_ACCEPT;
      case TCP_EVENT_ACK:
      case TCP_EVENT_PARTIAL_ACK:
      case TCP_EVENT_REGENERATE:
      case TCP_WINDOW_UPDATE: {
        const answer = driveBufferedTcp(this.api, socket, event, portLen) ?? APP_ACCEPT;
        return this.pump() > 0 ? answer | APP_SENT_DATA : answer;
      }
      case TCP_EVENT_CLOSE:
        this.peerClosed = true;
        if (this.options.onPeerClose === 'accept') return APP_ACCEPT;
        this.closeLater();
        return APP_WAIT; // neither accept (FIN now) nor reject: half close, ACK only
      case TCP_EVENT_CLOSED:
        this.closed = true;
        return APP_ACCEPT;
      case TCP_EVENT_ABORT:
        this.aborted = true;
        return APP_ACCEPT;
      default:
        return APP_ACCEPT;
    }
  };
}

export interface HttpResponseParts {
  status: number;
  statusLine: string;
  headers: Map<string, string>;
  body: Uint8Array;
}

/** Splits a complete HTTP/1.x response; throws (it is test code) when it is not one. */
export function parseHttpResponse(bytes: Uint8Array): HttpResponseParts {
  let end = -1;
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`no end of header in ${JSON.stringify(text(bytes.subarray(0, 200)))}`);
  const lines = text(bytes.subarray(0, end)).split('\r\n');
  const statusLine = lines[0];
  const m = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine);
  if (m === null) throw new Error(`bad status line ${statusLine}`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(m[1]), statusLine, headers, body: bytes.subarray(end + 4) };
}

/** Starts an HTTP/1.0 GET of `path` from `ip`:`port` (the request goes out once connected). */
export function httpGet(api: UTaskerTcp, clock: Clock, ip: Uint8Array, path: string, options: Partial<TcpClientOptions> & { port?: number; request?: string } = {}): TcpClient {
  const client = new TcpClient(api, { clock, ...options });
  client.connect(ip, options.port ?? 80);
  client.send(options.request ?? `GET ${path} HTTP/1.0\r\nHost: board\r\nUser-Agent: xstcp-test\r\n\r\n`);
  return client;
}
