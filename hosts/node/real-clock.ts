import type { Clock, TimerId } from '../../src/host/clock.js';

/** Longest delay setTimeout honours; larger ones are silently cut to 1 ms by Node. */
export const MAX_TIMEOUT_MS = 0x7fffffff;

/** A pending timer: setTimeout for a delay, setImmediate for "now". */
type Handle = { kind: 'timeout'; handle: ReturnType<typeof setTimeout> } | { kind: 'immediate'; handle: ReturnType<typeof setImmediate> };

function cancel(h: Handle): void {
  if (h.kind === 'timeout') clearTimeout(h.handle);
  else clearImmediate(h.handle);
}

export interface RealClockOptions {
  /** Timers do not keep the process alive (tests; hosts that exit when their I/O ends). */
  unref?: boolean;
}

/**
 * Wall time for the stack on Node: a monotonic millisecond counter (performance.now(),
 * unaffected by changes of the system clock) and one-shot timers on setTimeout (setImmediate
 * for timers already due). Idle
 * costs nothing: between timers the process sleeps in the event loop.
 */
export class RealClock implements Clock {
  private readonly timers = new Map<TimerId, Handle>();
  private readonly unref: boolean;
  private nextId = 1;

  constructor(options: RealClockOptions = {}) {
    this.unref = options.unref ?? false;
  }

  now(): number {
    return performance.now();
  }

  setTimer(atMs: number, fire: () => void): TimerId {
    const id = this.nextId++;
    this.arm(id, atMs, fire);
    return id;
  }

  clearTimer(id: TimerId): void {
    const handle = this.timers.get(id);
    if (handle === undefined) return;
    cancel(handle);
    this.timers.delete(id);
  }

  /** Timers set and not yet fired or cleared. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Clears every pending timer (shutdown: a forgotten timer would keep the process alive). */
  clearAll(): void {
    for (const handle of this.timers.values()) cancel(handle);
    this.timers.clear();
  }

  private arm(id: TimerId, atMs: number, fire: () => void): void {
    if (atMs <= this.now()) {
      // Due now (a task activated by a received frame): setTimeout(0) would cost a whole
      // millisecond of latency per frame; setImmediate runs right after this I/O turn.
      const handle = setImmediate(() => {
        this.timers.delete(id);
        fire();
      });
      if (this.unref) handle.unref();
      this.timers.set(id, { kind: 'immediate', handle });
      return;
    }
    // Whole milliseconds, rounded up: Node timers count from the loop's cached time, so
    // they can fire a little before `atMs` on this clock; then we wait out the rest.
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, Math.ceil(atMs - this.now())));
    const handle = setTimeout(() => {
      if (this.now() < atMs) {
        this.arm(id, atMs, fire);
        return;
      }
      this.timers.delete(id);
      fire();
    }, delay);
    if (this.unref) handle.unref();
    this.timers.set(id, { kind: 'timeout', handle });
  }
}
