/*
 * The "timer" module of the xstcp XS host, with Moddable's API:
 *
 *   Timer.set(callback, interval = 0, repeat = 0)  first call after `interval` ms, then
 *                                                  every `repeat` ms when repeat > 0
 *   Timer.repeat(callback, interval)               Timer.set(callback, interval, interval)
 *   Timer.schedule(timer, interval?, repeat?)      re-arms a timer; without an interval it
 *                                                  stays alive but does not fire
 *   Timer.clear(timer)                             cancels (undefined/null are ignored)
 *
 * Callbacks receive the timer, with `this` = globalThis. Timers due at the same moment
 * fire in the order they were armed. The host's event loop sleeps until the earliest
 * deadline (xsHost.setWake) and calls xsHost.onWake when it passes.
 */
const host = globalThis.xsHost;

// Armed timers sorted by (at, order); counts are small (a few per stack).
const armed = [];
let order = 0;
// Bounds one wake-up so a timer re-armed at 0 ms cannot starve the descriptors.
const MAX_FIRINGS_PER_WAKE = 10000;

function disarm(timer) {
  const i = armed.indexOf(timer);
  if (i >= 0) armed.splice(i, 1);
}

function arm(timer, at) {
  timer.at = at;
  timer.order = order++;
  let i = armed.length;
  while (i > 0 && (armed[i - 1].at > at)) i--;
  armed.splice(i, 0, timer);
}

function updateWake() {
  host.setWake(armed.length > 0 ? armed[0].at : -1);
}

function onWake() {
  const now = host.now();
  let firings = 0;
  try {
    while (armed.length > 0 && armed[0].at <= now && firings < MAX_FIRINGS_PER_WAKE) {
      const timer = armed.shift();
      firings++;
      // A one-shot stays usable: its callback may re-arm it with Timer.schedule.
      if (timer.repeat > 0) arm(timer, Math.max(timer.at + timer.repeat, now));
      timer.callback.call(globalThis, timer);
    }
  } finally {
    updateWake();
  }
}

host.onWake = onWake;

function checkMs(name, value) {
  const ms = value === undefined ? 0 : Number(value);
  if (!(ms >= 0)) throw new RangeError(`Timer: ${name} must be a number >= 0`);
  return ms;
}

export default class Timer {
  static set(callback, interval, repeat) {
    if (typeof callback !== 'function') throw new TypeError('Timer.set: callback must be a function');
    const timer = { callback, at: 0, order: 0, repeat: checkMs('repeat', repeat), cleared: false };
    arm(timer, host.now() + checkMs('interval', interval));
    updateWake();
    return timer;
  }

  static repeat(callback, interval) {
    const ms = checkMs('interval', interval);
    return Timer.set(callback, ms, ms);
  }

  static schedule(timer, interval, repeat) {
    if (timer === undefined || timer === null || timer.cleared) return;
    disarm(timer);
    if (interval !== undefined) {
      timer.repeat = checkMs('repeat', repeat);
      arm(timer, host.now() + checkMs('interval', interval));
    }
    updateWake();
  }

  static clear(timer) {
    if (timer === undefined || timer === null) return;
    disarm(timer);
    timer.cleared = true;
    updateWake();
  }
}
