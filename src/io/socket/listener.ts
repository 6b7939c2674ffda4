/**
 * `embedded:io/socket/listener`: the ECMA-419 TCP listener on xstcp's µTasker API.
 *
 *   new Listener({ port, address, onReadable(count), format: "socket/tcp", target })
 *
 * µTasker accepts a connection only on a socket already listening, so a Listener keeps
 * `backlog` sockets (see provideStack) in LISTEN on its port; each one that completes a
 * handshake becomes a pending connection (onReadable gets the number pending) and a fresh
 * socket takes its place as soon as the pool has one. read() returns the oldest pending
 * connection as a TCP socket without callbacks, for `new TCP({ from })`. Data arriving
 * before that is kept (and flow-controlled) by the connection.
 */
import {
  APP_ACCEPT,
  GET_REMOTE_PORT,
  TCP_EVENT_ABORT,
  TCP_EVENT_CLOSED,
  TCP_EVENT_CONNECTED,
  TCP_EVENT_CONREQ,
  TCP_EVENT_DATA,
  TCP_STATE_LISTEN,
} from '../../api/tcp.js';
import { parseIpv4Address } from '../../net/wire/ipv4-address.js';
import { currentHub } from '../provider.js';
import { Connection } from './connection.js';
import type { Serviceable, SocketHub, SocketOwner } from './hub.js';
import { checkCallback, checkFormat, checkOptionsObject } from './options.js';
import TCP, { tcpForConnection } from './tcp.js';

export interface ListenerOptions {
  port?: number;
  address?: string;
  onReadable?: (this: Listener, requests: number) => void;
  format?: 'socket/tcp';
  target?: unknown;
}

/** The part of a Listener the stack's events reach. */
class ListeningSockets implements SocketOwner, Serviceable {
  queued = false;
  readonly listening: number[] = [];
  readonly pending: Connection[] = [];
  /** Pending connections the application has been told about. */
  announced = 0;
  closed = false;

  constructor(readonly hub: SocketHub, readonly port: number, readonly onNew: (count: number) => void) {}

  tcpEvent(socket: number, event: number, data: Uint8Array | null, portLen: number): number {
    switch (event) {
      case TCP_EVENT_CONREQ:
        return APP_ACCEPT;
      case TCP_EVENT_CONNECTED:
      case TCP_EVENT_DATA: {
        // The handshake is complete: from now on the socket is a connection of its own.
        const connection = new Connection(this.hub, socket, 0, 0);
        this.hub.transfer(socket, connection);
        const i = this.listening.indexOf(socket);
        if (i >= 0) this.listening.splice(i, 1);
        this.pending.push(connection);
        this.hub.schedule(this);
        if (event === TCP_EVENT_CONNECTED) return connection.tcpEvent(socket, event, data, portLen);
        // Data before CONNECTED (not expected of the stack): keep it all the same.
        connection.tcpEvent(socket, TCP_EVENT_CONNECTED, null, 0);
        connection.remotePort = this.hub.api.fnGetTCP_port(socket, GET_REMOTE_PORT);
        return connection.tcpEvent(socket, event, data, portLen);
      }
      case TCP_EVENT_CLOSED:
      case TCP_EVENT_ABORT:
        // A half-open connection failed: listen again on the same socket.
        if (this.hub.api.fnGetTCP_state(socket) !== TCP_STATE_LISTEN) this.hub.api.fnTCP_Listen(socket, this.port, this.hub.receiveBuffer);
        return APP_ACCEPT;
      default:
        return APP_ACCEPT;
    }
  }

  /** Puts sockets into LISTEN up to the backlog; returns the first error, 0 if none. */
  fill(): number {
    while (!this.closed && this.listening.length < this.hub.backlog) {
      const socket = this.hub.open(this);
      if (socket < 0) {
        this.hub.watchFreed(this, true); // try again when a socket comes back
        return socket;
      }
      const r = this.hub.api.fnTCP_Listen(socket, this.port, this.hub.receiveBuffer);
      if (r < 0) {
        this.hub.release(socket);
        return r;
      }
      this.listening.push(socket);
    }
    this.hub.watchFreed(this, false);
    return 0;
  }

  service(): void {
    if (this.closed) return;
    this.fill();
    if (this.pending.length > this.announced) {
      this.announced = this.pending.length;
      this.onNew(this.pending.length);
    }
  }

  take(): Connection | undefined {
    const connection = this.pending.shift();
    if (connection !== undefined) this.announced = Math.max(0, this.announced - 1);
    return connection;
  }

  close(): void {
    this.closed = true;
    this.hub.watchFreed(this, false);
    for (const socket of this.listening) this.hub.release(socket);
    this.listening.length = 0;
    for (const connection of this.pending) connection.close();
    this.pending.length = 0;
  }
}

export default class Listener {
  target?: unknown;
  #sockets: ListeningSockets | undefined;
  readonly #port: number;

  constructor(options: ListenerOptions) {
    checkOptionsObject(options, 'Listener');
    checkFormat(options.format, ['socket/tcp'], 'socket/tcp');
    const onReadable = checkCallback(options.onReadable, 'onReadable');
    if (options.address !== undefined) {
      if (typeof options.address !== 'string') throw new TypeError('Listener: address must be a string');
      if (parseIpv4Address(options.address) === undefined) throw new RangeError(`Listener: invalid address '${options.address}'`);
    }
    const hub = currentHub();
    let port = options.port ?? 0;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 0xffff) throw new RangeError(`Listener: invalid port ${String(port)}`);
    if (port === 0) port = hub.api.fnGetFreeTCP_Port();
    if (port === 0) throw new Error('Listener: no free port');
    if ('target' in options) this.target = options.target;
    this.#port = port;
    const sockets = new ListeningSockets(hub, port, (count) => onReadable?.call(this, count));
    const error = sockets.fill();
    if (sockets.listening.length === 0) {
      sockets.close();
      throw new Error(`Listener: no socket to listen on port ${port} (${error})`);
    }
    this.#sockets = sockets;
  }

  /** The oldest pending connection as a TCP socket without callbacks, or undefined. */
  read(): TCP | undefined {
    const sockets = this.#sockets;
    if (sockets === undefined) throw new Error('Listener: closed');
    const connection = sockets.take();
    return connection === undefined ? undefined : tcpForConnection(connection);
  }

  /** Stops listening; connections not yet read are closed. Accepted ones are not touched. */
  close(): void {
    this.#sockets?.close();
    this.#sockets = undefined;
  }

  get port(): number {
    return this.#port;
  }

  get format(): 'socket/tcp' {
    return 'socket/tcp';
  }

  set format(value: 'socket/tcp') {
    checkFormat(value, ['socket/tcp'], 'socket/tcp', true);
  }
}
