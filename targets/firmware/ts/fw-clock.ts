/**
 * The stack's Clock on the firmware: fw.now() (ms since reset, from SysTick) and
 * one-shot timers kept here, ordered by deadline; the main loop calls fw.onWake when the
 * earliest is due (fw.setWake), so the CPU sleeps in between.
 */
import type { Clock, TimerId } from '../../../src/host/clock.js';

interface PendingTimer {
  id: TimerId;
  at: number;
  fire: () => void;
}

/** Timers fired per wake at most, so that a timer re-arming itself at once cannot hold the loop. */
const MAX_FIRED_PER_WAKE = 64;

export class FwClock implements Clock {
  /** Pending timers, earliest first (a few at a time: a sorted array is enough). */
  private readonly timers: PendingTimer[] = [];
  private nextId = 1;

  constructor() {
    fw.onWake = () => this.runDue();
  }

  now(): number {
    return fw.now();
  }

  setTimer(atMs: number, fire: () => void): TimerId {
    const id = this.nextId++;
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1].at > atMs) i--;
    this.timers.splice(i, 0, { id, at: atMs, fire });
    if (i === 0) fw.setWake(atMs);
    return id;
  }

  clearTimer(id: TimerId): void {
    const i = this.timers.findIndex((t) => t.id === id);
    if (i < 0) return;
    this.timers.splice(i, 1);
    if (i === 0) fw.setWake(this.timers.length > 0 ? this.timers[0].at : -1);
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  clearAll(): void {
    this.timers.length = 0;
    fw.setWake(-1);
  }

  private runDue(): void {
    const now = this.now();
    for (let n = 0; n < MAX_FIRED_PER_WAKE && this.timers.length > 0 && this.timers[0].at <= now; n++) {
      const timer = this.timers.shift()!;
      timer.fire();
    }
    fw.setWake(this.timers.length > 0 ? this.timers[0].at : -1);
  }
}
