/**
 * The ECMA-419 sockets' side of one µTasker stack: every socket they take from the pool
 * gets the same listener function, which hands each event to the object owning that
 * socket (a listening socket's Listener, or a connection). Callbacks into the application
 * never run inside the stack: owners mark what happened and ask for a service pass, which
 * runs from a zero-delay timer on the stack's clock, once per turn for every owner with
 * something pending (as Moddable's native sockets post one message per burst of events).
 */
import { APP_ACCEPT, INFINITE_TIMEOUT, TOS_NORMAL_SERVICE } from '../../api/tcp.js';
import type { SocketStack } from '../provider.js';

/** Receives the µTasker events of the sockets it owns. */
export interface SocketOwner {
  tcpEvent(socket: number, event: number, data: Uint8Array | null, portLen: number): number;
}

/** Something with work for the next service pass. */
export interface Serviceable {
  /** Set by the hub while the item waits for the pass. */
  queued: boolean;
  service(): void;
}

export interface SocketHubOptions {
  /** Bytes each connection buffers for reading; also its largest receive window (default 8192). */
  receiveBuffer?: number;
  /** Bytes each connection's send buffer holds, fnDefineTCPBufferSize (default 8192). */
  sendBuffer?: number;
  /** Sockets each Listener keeps listening, so several clients can connect at once (default 2). */
  backlog?: number;
}

const U16 = 0xffff;

function size(value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > U16) throw new RangeError(`socket buffer sizes are ${min}..${U16} bytes, got ${value}`);
  return value;
}

export class SocketHub {
  readonly api: SocketStack['api'];
  readonly receiveBuffer: number;
  readonly sendBuffer: number;
  readonly backlog: number;
  private readonly stack: SocketStack;
  private readonly owners: (SocketOwner | undefined)[] = [];
  /** Items waiting for the pass; swapped with `running` so a pass allocates nothing. */
  private waiting: Serviceable[] = [];
  private running: Serviceable[] = [];
  private passScheduled = false;
  /** Owners told when a socket goes back to the pool (a Listener short of listening sockets). */
  private readonly freedWatchers = new Set<Serviceable>();

  constructor(stack: SocketStack, options: SocketHubOptions) {
    this.stack = stack;
    this.api = stack.api;
    this.receiveBuffer = size(options.receiveBuffer, 8192, 1);
    this.sendBuffer = size(options.sendBuffer, 8192, 1);
    const backlog = options.backlog ?? 2;
    if (!Number.isInteger(backlog) || backlog < 1 || backlog > 64) throw new RangeError(`backlog must be 1..64, got ${backlog}`);
    this.backlog = backlog;
  }

  /** The one listener function of this hub's sockets; never throws into the stack. */
  private readonly dispatch = (socket: number, event: number, data: Uint8Array | null, portLen: number): number => {
    const owner = this.owners[socket];
    if (owner === undefined) return APP_ACCEPT;
    try {
      return owner.tcpEvent(socket, event, data, portLen);
    } catch (error) {
      this.stack.log('error', `io/socket: socket ${socket}: ${String(error)}`);
      return APP_ACCEPT;
    }
  };

  /** A socket from the pool for `owner`, with its send buffer sized; or µTasker's error code. */
  open(owner: SocketOwner): number {
    const socket = this.api.fnGetTCP_Socket(TOS_NORMAL_SERVICE, INFINITE_TIMEOUT, this.dispatch);
    if (socket < 0) return socket;
    this.owners[socket] = owner;
    this.api.fnDefineTCPBufferSize(socket, this.sendBuffer);
    return socket;
  }

  /** Gives a socket's events to another owner (a listening socket that became a connection). */
  transfer(socket: number, owner: SocketOwner): void {
    this.owners[socket] = owner;
  }

  /** Back to the pool, silently; whoever waits for a free socket hears of it. */
  release(socket: number): void {
    this.owners[socket] = undefined;
    this.api.fnReleaseTCP_Socket(socket);
    for (const watcher of this.freedWatchers) this.schedule(watcher);
  }

  watchFreed(item: Serviceable, watch: boolean): void {
    if (watch) this.freedWatchers.add(item);
    else this.freedWatchers.delete(item);
  }

  /** Asks for `item.service()` in the next pass (at most once per pass). */
  schedule(item: Serviceable): void {
    if (item.queued) return;
    item.queued = true;
    this.waiting.push(item);
    if (!this.passScheduled) {
      this.passScheduled = true;
      this.stack.clock.setTimer(this.stack.clock.now(), this.pass);
    }
  }

  /** One service pass; an exception from application code is logged and the pass goes on. */
  private readonly pass = (): void => {
    this.passScheduled = false;
    const items = this.waiting;
    this.waiting = this.running;
    this.running = items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      item.queued = false;
      try {
        item.service();
      } catch (error) {
        this.stack.log('error', `io/socket: callback threw: ${error instanceof Error && error.stack ? error.stack : String(error)}`);
      }
    }
    items.length = 0;
  };
}
