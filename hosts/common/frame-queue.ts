/**
 * The receive queue of a MAC driver: a fixed-capacity FIFO of frames (a ring: no
 * shifting, no allocation per frame). Drivers count what `push` refuses.
 */

/** Default capacity: more frames than a full 64 KiB receive window of small segments. */
export const DEFAULT_RX_QUEUE_FRAMES = 4096;

export class FrameQueue {
  private readonly slots: (Uint8Array | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`FrameQueue: capacity must be an integer >= 1, got ${capacity}`);
    this.slots = new Array<Uint8Array | undefined>(capacity).fill(undefined);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a frame; false (and nothing stored) when full. */
  push(frame: Uint8Array): boolean {
    if (this.count === this.capacity) return false;
    this.slots[(this.head + this.count) % this.capacity] = frame;
    this.count++;
    return true;
  }

  /** The oldest frame, or undefined when empty. */
  shift(): Uint8Array | undefined {
    if (this.count === 0) return undefined;
    const frame = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return frame;
  }
}

/** The receive counters a driver keeps. */
export interface ReceiveCounters {
  /** Frames queued for the stack. */
  rxFrames: number;
  /** Frames dropped because the queue was full. */
  rxDropped: number;
}

/**
 * A MAC driver's receive side: a bounded FrameQueue, counted drops, and the "Rx
 * interrupt" — the notify function, called on the empty → non-empty edge only, since the
 * stack drains the queue fully once woken.
 */
export class ReceiveQueue {
  private readonly queue: FrameQueue;
  private notify: (() => void) | undefined;

  constructor(capacity: number, private readonly counters: ReceiveCounters) {
    this.queue = new FrameQueue(capacity);
  }

  get length(): number {
    return this.queue.length;
  }

  setNotify(notify: () => void): void {
    this.notify = notify;
  }

  /** Queues a received frame, or counts it as dropped when the queue is full. */
  add(frame: Uint8Array): void {
    if (!this.queue.push(frame)) {
      this.counters.rxDropped++;
      return;
    }
    this.counters.rxFrames++;
    if (this.queue.length === 1) this.notify?.();
  }

  /** The oldest frame, or undefined. */
  take(): Uint8Array | undefined {
    return this.queue.shift();
  }
}
