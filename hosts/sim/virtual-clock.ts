import type { Clock, TimerId } from '../../src/host/clock.js';

interface PendingTimer {
  id: TimerId;
  at: number;
  fire: () => void;
}

/**
 * A clock that moves only when told to. Timers fire in time order, and timers due at the
 * same moment fire in the order they were set, so every run with the same inputs is
 * identical. Timers set while advancing fire in the same advance if they fall due.
 */
export class VirtualClock implements Clock {
  private current: number;
  private nextId = 1;
  // Kept sorted by (at, id); timer counts are small (one per task plus link deliveries).
  private timers: PendingTimer[] = [];

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(atMs: number, fire: () => void): TimerId {
    const timer: PendingTimer = { id: this.nextId++, at: Math.max(atMs, this.current), fire };
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1].at > timer.at) i--;
    this.timers.splice(i, 0, timer);
    return timer.id;
  }

  clearTimer(id: TimerId): void {
    const i = this.timers.findIndex((t) => t.id === id);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** Number of timers waiting to fire. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** Time of the earliest pending timer, or undefined. */
  nextTimerAt(): number | undefined {
    return this.timers.length > 0 ? this.timers[0].at : undefined;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way (at its own
   * time). `maxFirings` bounds the work so a timer that keeps re-arming itself at the
   * current instant cannot hang a test; exceeding it throws.
   */
  advance(ms: number, maxFirings = 1_000_000): void {
    this.advanceTo(this.current + ms, maxFirings);
  }

  /** Moves time forward to `target` (no-op if it is in the past). */
  advanceTo(target: number, maxFirings = 1_000_000): void {
    let firings = 0;
    while (this.timers.length > 0 && this.timers[0].at <= target) {
      const timer = this.timers.shift()!;
      this.current = timer.at;
      if (++firings > maxFirings) throw new Error(`VirtualClock: more than ${maxFirings} timers fired in one advance`);
      timer.fire();
    }
    if (target > this.current) this.current = target;
  }

  /** Fires everything due now without moving time. */
  runDue(maxFirings = 1_000_000): void {
    this.advanceTo(this.current, maxFirings);
  }
}
