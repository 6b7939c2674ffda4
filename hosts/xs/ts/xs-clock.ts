/**
 * The stack's Clock on the XS host: xsHost.now() (monotonic ms) and one-shot timers on
 * the Moddable-style "timer" module, so the host sleeps in poll() until the next one.
 */
import Timer, { type TimerHandle } from 'timer';
import type { Clock, TimerId } from '../../../src/host/clock.js';

export class XsClock implements Clock {
  private readonly timers = new Map<TimerId, TimerHandle>();
  private nextId = 1;

  now(): number {
    return xsHost.now();
  }

  setTimer(atMs: number, fire: () => void): TimerId {
    const id = this.nextId++;
    const handle = Timer.set(() => {
      this.timers.delete(id);
      fire();
    }, Math.max(0, atMs - this.now()));
    this.timers.set(id, handle);
    return id;
  }

  clearTimer(id: TimerId): void {
    const handle = this.timers.get(id);
    if (handle === undefined) return;
    Timer.clear(handle);
    this.timers.delete(id);
  }

  /** Timers set and not yet fired or cleared. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Clears every pending timer (shutdown: a pending timer keeps the host's loop running). */
  clearAll(): void {
    for (const handle of this.timers.values()) Timer.clear(handle);
    this.timers.clear();
  }
}
