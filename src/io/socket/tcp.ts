/**
 * `embedded:io/socket/tcp`: the ECMA-419 TCP socket class on xstcp's µTasker API.
 *
 *   new TCP({ address, port, onReadable, onWritable, onError, format, target })
 *   new TCP({ from: listener.read(), ... })      adopts an accepted connection
 *
 * read() / read(byteLength) / read(buffer), write(ArrayBuffer | TypedArray | DataView |
 * byte), close(), remoteAddress, remotePort, format. Callbacks run with `this` = the
 * socket, from the stack's clock, never inside the stack: onWritable(bytes) once
 * connected and whenever acknowledgements free send-buffer room; onReadable(bytes) when
 * data arrives; onError() when the connection ends for any reason — a reset, a timeout,
 * or the peer's clean FIN — once everything received has been read.
 */
import { formatIpv4, parseIpv4Address } from '../../net/wire/ipv4-address.js';
import { currentHub } from '../provider.js';
import { Connection, type ConnectionSink } from './connection.js';
import { checkCallback, checkFormat, checkOptionsObject } from './options.js';

type Format = 'buffer' | 'number';
type Callback = ((this: TCP, bytes: number) => void) | undefined;

export interface TCPOptions {
  address?: string;
  port?: number;
  from?: TCP;
  nodelay?: boolean;
  onReadable?: (this: TCP, bytes: number) => void;
  onWritable?: (this: TCP, bytes: number) => void;
  onError?: (this: TCP) => void;
  format?: Format;
  target?: unknown;
}

/** Connections handed from Listener.read() to the TCP constructor (module-internal). */
let handOver: Connection | undefined;

/** A socket for an accepted connection, with no callbacks (what Listener.read() returns). */
export function tcpForConnection(connection: Connection): TCP {
  handOver = connection;
  try {
    return new TCP({});
  } finally {
    handOver = undefined;
  }
}

export default class TCP {
  target?: unknown;
  #connection: Connection | undefined;
  #format: Format = 'buffer';
  #onReadable: Callback;
  #onWritable: Callback;
  #onError: ((this: TCP) => void) | undefined;

  constructor(options: TCPOptions) {
    if (handOver !== undefined) {
      this.#connection = handOver;
      handOver = undefined;
      return;
    }
    checkOptionsObject(options, 'TCP');
    this.#format = checkFormat(options.format, ['buffer', 'number'], 'buffer');
    this.#onReadable = checkCallback(options.onReadable, 'onReadable');
    this.#onWritable = checkCallback(options.onWritable, 'onWritable');
    this.#onError = checkCallback(options.onError, 'onError');
    if ('target' in options) this.target = options.target;

    const from = options.from;
    let connection: Connection;
    if (from !== undefined) {
      if (!(from instanceof TCP) || from.#connection === undefined) throw new TypeError('TCP: from must be an open TCP socket');
      connection = from.#connection;
      from.#connection = undefined;
    } else {
      connection = TCP.#connect(options);
    }
    this.#connection = connection;
    connection.adopt(this.#sink());
  }

  static #connect(options: TCPOptions): Connection {
    if (typeof options.address !== 'string') throw new TypeError('TCP: address (an IPv4 address string) is required');
    const address = parseIpv4Address(options.address);
    if (address === undefined || address === 0 || address === 0xffffffff) throw new RangeError(`TCP: invalid address '${options.address}'`);
    const port = options.port;
    if (typeof port !== 'number') throw new TypeError('TCP: port is required');
    if (!Number.isInteger(port) || port < 1 || port > 0xffff) throw new RangeError(`TCP: invalid port ${port}`);
    const hub = currentHub();
    const connection = new Connection(hub, -1, address, port);
    const socket = hub.open(connection);
    if (socket < 0) throw new Error(`TCP: no socket free (${socket})`);
    connection.socket = socket;
    const ip = new Uint8Array([address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff]);
    const r = hub.api.fnTCP_Connect(socket, ip, port, 0, connection.maxWindow);
    if (r < 0) {
      connection.socket = -1;
      hub.release(socket);
      throw new Error(`TCP: connect failed (${r})`);
    }
    return connection;
  }

  #sink(): ConnectionSink {
    return {
      readable: (bytes) => this.#onReadable?.call(this, bytes),
      writable: (bytes) => this.#onWritable?.call(this, bytes),
      error: () => this.#onError?.call(this),
    };
  }

  #open(): Connection {
    const connection = this.#connection;
    if (connection === undefined) throw new Error('TCP: closed');
    return connection;
  }

  /**
   * "buffer" format: all available bytes (an ArrayBuffer), at most `byteLength` of them,
   * or as many as fit into `buffer` (returns the count); undefined when nothing is there.
   * "number" format: the next byte, or undefined.
   */
  read(byteLength?: number): number | ArrayBuffer | undefined;
  read(buffer: ArrayBufferLike | ArrayBufferView): number | undefined;
  read(request?: number | ArrayBufferLike | ArrayBufferView): number | ArrayBuffer | undefined {
    const connection = this.#open();
    const available = connection.available;
    if (available === 0) return undefined;
    if (this.#format === 'number') {
      const one = new Uint8Array(1);
      connection.read(one, 0, 1);
      return one[0];
    }
    if (request === undefined || typeof request === 'number') {
      let n = available;
      if (request !== undefined) {
        if (!Number.isInteger(request) || request < 1) throw new RangeError(`TCP: read(byteLength) needs a positive whole number, got ${request}`);
        n = Math.min(request, available);
      }
      const out = new ArrayBuffer(n);
      connection.read(new Uint8Array(out), 0, n);
      return out;
    }
    const target = request instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && request instanceof SharedArrayBuffer)
      ? new Uint8Array(request)
      : ArrayBuffer.isView(request) ? new Uint8Array(request.buffer, request.byteOffset, request.byteLength) : undefined;
    if (target === undefined) throw new TypeError('TCP: read() takes a byte count or a buffer');
    return connection.read(target, 0, target.length);
  }

  /**
   * Queues bytes to send (they leave at the end of the turn, with any other writes of the
   * turn). Throws when they do not fit in the send buffer: wait for onWritable. Returns
   * the room left. Writes after the connection ended are ignored, as onError reported it.
   */
  write(value: number | ArrayBufferLike | ArrayBufferView): number {
    const connection = this.#open();
    let bytes: Uint8Array;
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`TCP: a byte is 0..255, got ${value}`);
      bytes = new Uint8Array([value]);
    } else if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)) {
      bytes = new Uint8Array(value);
    } else if (ArrayBuffer.isView(value)) {
      bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    } else {
      throw new TypeError('TCP: write() takes an ArrayBuffer, a SharedArrayBuffer, a TypedArray, a DataView or a byte');
    }
    if (!connection.connected) throw new Error('TCP: not connected yet (wait for onWritable)');
    if (connection.ended) return 0;
    const free = connection.writableBytes();
    if (bytes.length > free) throw new Error(`TCP: write of ${bytes.length} bytes would block (${free} free): wait for onWritable`);
    if (bytes.length === 0) return free;
    return connection.write(bytes, bytes.length);
  }

  /** Ends the socket: no more callbacks; written bytes still go out, then our FIN. */
  close(): void {
    const connection = this.#connection;
    if (connection === undefined) return;
    this.#connection = undefined;
    connection.close();
  }

  get remoteAddress(): string | undefined {
    const connection = this.#connection;
    return connection === undefined ? undefined : formatIpv4(connection.remoteAddress);
  }

  get remotePort(): number | undefined {
    return this.#connection?.remotePort;
  }

  get format(): Format {
    return this.#format;
  }

  set format(value: Format) {
    this.#format = checkFormat(value, ['buffer', 'number'], this.#format, true);
  }
}
