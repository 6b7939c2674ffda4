/**
 * Time as the stack sees it: a monotonic millisecond counter and one-shot timers.
 * Hosts implement it with a real clock (Node timers, Moddable Timer); tests and the
 * simulated LAN use the virtual clock in hosts/sim, which only moves when told to.
 */
export type TimerId = number;

export interface Clock {
  /** Milliseconds since an arbitrary origin; never decreases. */
  now(): number;
  /** Calls `fire` once, at or after `atMs` (a time on this clock's scale). */
  setTimer(atMs: number, fire: () => void): TimerId;
  /** Cancels a timer; unknown or already fired ids are ignored. */
  clearTimer(id: TimerId): void;
}
