/**
 * The queue of clients whose SYN cookie came back while every socket of their port was
 * busy: they have completed the handshake on their side and wait, in arrival order, for a
 * socket. Fixed capacity, allocated once; an entry is a few numbers (RFC 4987 keeps no
 * state per SYN — this keeps state only per client that proved its address).
 */

/** How long a queued client is kept: a client still waiting after this has given up or retries itself. */
export const SYN_BACKLOG_MAX_AGE_MS = 30_000;

/** How long after a SYN cookie every SYN of the stack gets one, even when a listener is free. */
export const SYN_PRESSURE_MS = 2000;

export class SynBacklog {
  readonly capacity: number;
  /**
   * Until then every SYN is answered with a cookie: a socket that frees up goes to a client
   * that proved its address, not to the next (perhaps spoofed) SYN.
   */
  pressureUntil = 0;
  /**
   * Ports whose application stopped listening (closed or released its last LISTEN socket):
   * connections still open there no longer make the port one that is served.
   */
  readonly unlistened = new Set<number>();
  /** Entries in use, oldest first: [0, length). */
  length = 0;
  readonly peer: Uint32Array;
  readonly peerPort: Uint16Array;
  readonly localPort: Uint16Array;
  /** The client's ISN (its SYN's sequence number). */
  readonly irs: Uint32Array;
  /** Our ISN: the cookie. */
  readonly iss: Uint32Array;
  readonly mss: Uint16Array;
  readonly window: Uint16Array;
  readonly since: Float64Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.peer = new Uint32Array(capacity);
    this.peerPort = new Uint16Array(capacity);
    this.localPort = new Uint16Array(capacity);
    this.irs = new Uint32Array(capacity);
    this.iss = new Uint32Array(capacity);
    this.mss = new Uint16Array(capacity);
    this.window = new Uint16Array(capacity);
    this.since = new Float64Array(capacity);
  }

  /** Index of the client's entry, or -1. */
  find(peer: number, peerPort: number, localPort: number): number {
    for (let i = 0; i < this.length; i++) {
      if (this.peer[i] === peer >>> 0 && this.peerPort[i] === peerPort && this.localPort[i] === localPort) return i;
    }
    return -1;
  }

  /** Queues a client at the end (once); false when the queue is full. */
  add(peer: number, peerPort: number, localPort: number, irs: number, iss: number, mss: number, window: number, now: number): boolean {
    if (this.find(peer, peerPort, localPort) >= 0) return true;
    if (this.length >= this.capacity) return false;
    const i = this.length++;
    this.peer[i] = peer;
    this.peerPort[i] = peerPort;
    this.localPort[i] = localPort;
    this.irs[i] = irs;
    this.iss[i] = iss;
    this.mss[i] = mss;
    this.window[i] = window;
    this.since[i] = now;
    return true;
  }

  /** Removes entry i, keeping the order of the others. */
  remove(i: number): void {
    if (i < 0 || i >= this.length) return;
    this.peer.copyWithin(i, i + 1, this.length);
    this.peerPort.copyWithin(i, i + 1, this.length);
    this.localPort.copyWithin(i, i + 1, this.length);
    this.irs.copyWithin(i, i + 1, this.length);
    this.iss.copyWithin(i, i + 1, this.length);
    this.mss.copyWithin(i, i + 1, this.length);
    this.window.copyWithin(i, i + 1, this.length);
    this.since.copyWithin(i, i + 1, this.length);
    this.length--;
  }

  clear(): void {
    this.length = 0;
  }
}
