/**
 * µTasker's global timer task ("multiple timers per task"): a fixed number of slots, each
 * owned by a task and named by a non-zero event number, firing once at an absolute tick.
 * This table only keeps time; the scheduler turns a firing into a TIMER_EVENT message.
 */

const FREE = 0; // owner code of an unused slot (task characters are never NUL)

export interface GlobalTimerFiring {
  owner: number;
  event: number;
}

export class GlobalTimers {
  private readonly owners: Uint8Array;
  private readonly events: Uint8Array;
  private readonly due: Float64Array;
  /** Slots in use: the scheduler asks for the next due timer on every run, usually of none. */
  private inUse = 0;

  constructor(readonly capacity: number) {
    this.owners = new Uint8Array(capacity);
    this.events = new Uint8Array(capacity);
    this.due = new Float64Array(capacity);
  }

  /**
   * Starts the owner's timer for `event` at `dueTick`, re-arming it if it already runs.
   * Returns false when it is new and every slot is busy.
   */
  start(owner: number, event: number, dueTick: number): boolean {
    let slot = this.find(owner, event);
    if (slot < 0) {
      slot = this.find(FREE, -1);
      if (slot < 0) return false;
      this.inUse++;
    }
    this.owners[slot] = owner;
    this.events[slot] = event;
    this.due[slot] = dueTick;
    return true;
  }

  /** Stops the owner's timer for `event`, or all of the owner's timers when event is 0. */
  stop(owner: number, event: number): void {
    for (let i = 0; i < this.capacity; i++) {
      if (this.owners[i] === owner && (event === 0 || this.events[i] === event)) {
        this.owners[i] = FREE;
        this.inUse--;
      }
    }
  }

  /** Timers in use. */
  get active(): number {
    return this.inUse;
  }

  /** The earliest due tick, or undefined when no timer runs. */
  nextDue(): number | undefined {
    if (this.inUse === 0) return undefined;
    let best: number | undefined;
    for (let i = 0; i < this.capacity; i++) {
      if (this.owners[i] !== FREE && (best === undefined || this.due[i] < best)) best = this.due[i];
    }
    return best;
  }

  /** Ticks until the owner's timer for `event` fires, or 0 when it does not run. */
  remaining(owner: number, event: number, nowTick: number): number {
    const slot = this.find(owner, event);
    return slot < 0 ? 0 : Math.max(0, this.due[slot] - nowTick);
  }

  /**
   * Removes and returns the timer that is due by `nowTick` and fires first (earliest due
   * tick, then lowest slot, as µTasker orders simultaneous firings), or undefined.
   */
  takeNextDue(nowTick: number): GlobalTimerFiring | undefined {
    if (this.inUse === 0) return undefined;
    let slot = -1;
    for (let i = 0; i < this.capacity; i++) {
      if (this.owners[i] !== FREE && this.due[i] <= nowTick && (slot < 0 || this.due[i] < this.due[slot])) slot = i;
    }
    if (slot < 0) return undefined;
    const firing = { owner: this.owners[slot], event: this.events[slot] };
    this.owners[slot] = FREE;
    this.inUse--;
    return firing;
  }

  private find(owner: number, event: number): number {
    for (let i = 0; i < this.capacity; i++) {
      if (this.owners[i] === owner && (event < 0 || this.events[i] === event)) return i;
    }
    return -1;
  }
}
