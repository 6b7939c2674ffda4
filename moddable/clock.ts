/**
 * The stack's Clock on Moddable: Time.ticks (a millisecond counter that wraps on MCUs,
 * so elapsed time is accumulated through Time.delta) and one-shot Moddable Timers.
 */
import Time from 'time';
import Timer from 'timer';
import type { Clock, TimerId } from 'xstcp/host/clock';

type TimerHandle = ReturnType<typeof Timer.set>;

export class ModdableClock implements Clock {
  private elapsed = 0;
  private lastTicks = Time.ticks;
  private readonly pending = new Map<TimerId, TimerHandle>();
  private lastId = 0;

  now(): number {
    const ticks = Time.ticks;
    this.elapsed += Time.delta(this.lastTicks, ticks);
    this.lastTicks = ticks;
    return this.elapsed;
  }

  setTimer(atMs: number, fire: () => void): TimerId {
    const id = ++this.lastId;
    // Moddable calls the callback with the timer; a one-shot timer clears itself.
    this.pending.set(id, Timer.set(() => {
      this.pending.delete(id);
      fire();
    }, Math.max(0, Math.ceil(atMs - this.now()))));
    return id;
  }

  clearTimer(id: TimerId): void {
    const handle = this.pending.get(id);
    if (handle === undefined) return;
    this.pending.delete(id);
    Timer.clear(handle);
  }

  /** Clears every pending timer (the board is stopping). */
  clearAll(): void {
    for (const handle of this.pending.values()) Timer.clear(handle);
    this.pending.clear();
  }
}
