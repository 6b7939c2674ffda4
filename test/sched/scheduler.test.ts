import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { Scheduler } from '../../src/sched/scheduler.js';
import { RESERVE_MONO_TIMER, TaskState } from '../../src/sched/types.js';
import { makeHarness } from './harness.js';

const { Stop, Go, Suspended, Activate, Polling, Error: ErrorState } = TaskState;

describe('task ordering within a run', () => {
  test('a task activated by an earlier task runs later in the same pass', () => {
    const h = makeHarness([
      { name: 'A', initialState: Activate, body: (_c, hh) => { hh.s.setState('B', Activate); } },
      { name: 'B' },
    ]);
    h.s.start();
    h.clock.runDue();
    expect(h.runs.map((r) => [r.task, r.at])).toEqual([['A', 0], ['B', 0]]);
    expect(h.s.stats.passes).toBe(1);
  });

  test('a task activated by a later task runs in the next pass of the same run', () => {
    const h = makeHarness([
      { name: 'A' },
      { name: 'B', initialState: Activate, body: (_c, hh) => { hh.s.setState('A', Activate); } },
      { name: 'C', initialState: Activate },
    ]);
    h.s.start();
    h.clock.runDue();
    // Pass 1: B, C (table order). Pass 2: A.
    expect(h.runs.map((r) => r.task)).toEqual(['B', 'C', 'A']);
    expect(h.runs.every((r) => r.at === 0)).toBe(true);
    expect(h.s.stats.passes).toBe(2);
  });

  test('nothing runs before start()', () => {
    const h = makeHarness([{ name: 'A', initialState: Activate }]);
    h.clock.advance(1000);
    expect(h.runs).toEqual([]);
    expect(h.clock.pendingTimers()).toBe(0);
    h.s.start();
    h.clock.runDue();
    expect(h.timesOf('A')).toEqual([1000]);
  });
});

describe('task states', () => {
  test('an ACTIVATE task runs once and is STOP afterwards', () => {
    let stateDuringRun = -1;
    const h = makeHarness([{ name: 'A', initialState: Activate, body: (_c, hh) => { stateDuringRun = hh.s.getState('A'); } }]);
    h.s.start();
    h.clock.advance(1000);
    expect(h.timesOf('A')).toEqual([0]);
    expect(stateDuringRun).toBe(Stop); // set back to STOP before it runs
    expect(h.s.getState('A')).toBe(Stop);
  });

  test('a task that re-activates itself runs again in the same run', () => {
    let count = 0;
    const h = makeHarness([{ name: 'A', initialState: Activate, body: (_c, hh) => { if (++count < 3) hh.s.setState('A', Activate); } }]);
    h.s.start();
    h.clock.runDue();
    expect(h.timesOf('A')).toEqual([0, 0, 0]);
    expect(h.s.stats.passes).toBe(3);
  });

  test('a GO task runs once per tick and stays GO', () => {
    const h = makeHarness([{ name: 'G', initialState: Go }]);
    h.s.start();
    h.clock.advance(200);
    expect(h.timesOf('G')).toEqual([0, 50, 100, 150, 200]);
    expect(h.s.getState('G')).toBe(Go);
  });

  test('a GO task also runs in every pass of a run that other tasks keep going', () => {
    let n = 0;
    const h = makeHarness([
      { name: 'G', initialState: Go },
      { name: 'A', initialState: Activate, body: (_c, hh) => { if (++n < 2) hh.s.setState('A', Activate); } },
    ]);
    h.s.start();
    h.clock.runDue();
    expect(h.runs.map((r) => r.task)).toEqual(['G', 'A', 'G', 'A']);
  });

  test('a POLLING task runs every tick; ACTIVATE does not override POLLING', () => {
    const h = makeHarness([{ name: 'P', initialState: Polling }]);
    h.s.start();
    h.clock.advance(100);
    expect(h.timesOf('P')).toEqual([0, 50, 100]);
    expect(h.s.setState('P', Activate)).toBe(Polling);
    expect(h.s.getState('P')).toBe(Polling);
    // Other states do replace POLLING.
    expect(h.s.setState('P', Stop)).toBe(Stop);
    h.clock.advance(500);
    expect(h.timesOf('P')).toEqual([0, 50, 100]);
  });

  test('a POLLING task woken by its mono timer gets the event and stays POLLING', () => {
    const h = makeHarness([{ name: 'P', initialState: Polling, queueSize: 20, startDelay: RESERVE_MONO_TIMER }]);
    h.s.start();
    h.clock.runDue();
    h.s.monoTimer('P', 2, 9);
    h.clock.advance(100);
    const withEvent = h.runs.filter((r) => r.messages.length > 0);
    expect(withEvent.map((r) => [r.at, r.messages])).toEqual([[100, [[0, 0, 0x50, 0x00, 9]]]]);
    expect(h.s.getState('P')).toBe(Polling);
  });

  test('a SUSPENDED task does not run, and its timers do not make it run', () => {
    const h = makeHarness([
      { name: 'S', initialState: Suspended, startDelay: 1, period: 2, queueSize: 10 },
    ]);
    h.s.start();
    h.clock.advance(1000);
    expect(h.timesOf('S')).toEqual([]);
    expect(h.s.getState('S')).toBe(Suspended);
  });

  test('a suspended periodic task resumes on its period after STOP', () => {
    const h = makeHarness([{ name: 'S', initialState: Suspended, period: 4 }]);
    h.s.start();
    h.clock.advance(300); // tick 6
    expect(h.timesOf('S')).toEqual([]);
    h.s.setState('S', Stop); // re-synchronises: next at tick 10
    h.clock.advance(500);
    expect(h.timesOf('S')).toEqual([500, 700]);
  });

  test('setState on an unknown task returns undefined; getState reports UTASKER_ERROR', () => {
    const h = makeHarness([{ name: 'A' }]);
    expect(h.s.setState('Z', Activate)).toBeUndefined();
    expect(h.s.setState('', Activate)).toBeUndefined();
    expect(h.s.getState('Z')).toBe(ErrorState);
    expect(h.s.getState('Z')).toBe(0x80);
    expect(h.s.setState('A', 0x100)).toBeUndefined(); // not a state byte
    expect(h.s.getState('A')).toBe(Stop);
  });

  test('tasks can be named by character code', () => {
    const h = makeHarness([{ name: 'TCP' }]);
    expect(h.s.setState(0x54, Go)).toBe(Go);
    expect(h.s.getState('T')).toBe(Go);
    expect(h.s.getState('TCP')).toBe(Go); // only the first character counts
  });
});

describe('start delays and periodic tasks', () => {
  test('a 0.05 s start delay is one tick: the task runs once at 50 ms', () => {
    const h = makeHarness([{ name: 'E', startDelay: 0.05 * 20 }]);
    h.s.start();
    h.clock.advance(49);
    expect(h.runs).toEqual([]);
    h.clock.advance(1);
    expect(h.timesOf('E')).toEqual([50]);
    h.clock.advance(1000);
    expect(h.timesOf('E')).toEqual([50]);
  });

  test('RESERVE_MONO_TIMER does not start the task', () => {
    const h = makeHarness([{ name: 'T', startDelay: RESERVE_MONO_TIMER }]);
    h.s.start();
    h.clock.advance(10_000);
    expect(h.runs).toEqual([]);
    expect(h.s.remainingTime('T')).toBe(0);
  });

  test('a start delay counts from start(), not from clock zero', () => {
    const h = makeHarness([{ name: 'E', startDelay: 3 }], {}, 1000);
    h.clock.advance(20);
    h.s.start(); // at 1020
    h.clock.advance(1000);
    expect(h.timesOf('E')).toEqual([1170]);
  });

  test('a periodic task without start delay runs every period', () => {
    const h = makeHarness([{ name: 'P', period: 4 }]);
    h.s.start();
    h.clock.advance(650);
    expect(h.timesOf('P')).toEqual([200, 400, 600]);
  });

  test('a periodic task with a start delay runs first after the delay, then every period', () => {
    const h = makeHarness([{ name: 'P', startDelay: 1, period: 4 }]);
    h.s.start();
    h.clock.advance(460);
    expect(h.timesOf('P')).toEqual([50, 250, 450]);
  });

  test('STOP re-synchronises a periodic timer to the moment of the stop', () => {
    const h = makeHarness([{ name: 'P', period: 4 }]);
    h.s.start();
    h.clock.advance(300); // ran at 200; next due at tick 8 (400)
    h.s.setState('P', Stop); // tick 6 + 4 = tick 10
    h.clock.advance(450);
    expect(h.timesOf('P')).toEqual([200, 500, 700]);
  });

  test('a periodic GO task is stopped after its first run (µTasker rule)', () => {
    const h = makeHarness([{ name: 'P', period: 2, initialState: Go }]);
    h.s.start();
    h.clock.advance(250);
    // Runs at start because it is GO, then as a plain periodic task.
    expect(h.timesOf('P')).toEqual([0, 100, 200]);
    expect(h.s.getState('P')).toBe(Stop);
  });
});

describe('robustness', () => {
  test('a task that throws is counted and logged, and the scheduler carries on', () => {
    const h = makeHarness([
      { name: 'X', period: 1, body: () => { throw new Error('bad frame'); } },
      { name: 'Y', period: 1 },
    ]);
    h.s.start();
    h.clock.advance(150);
    expect(h.timesOf('X')).toEqual([50, 100, 150]);
    expect(h.timesOf('Y')).toEqual([50, 100, 150]); // Y still runs after X in the same pass
    expect(h.s.stats.taskErrors).toBe(3);
    expect(h.logs.filter(([level]) => level === 'error')).toHaveLength(3);
    expect(h.logs[0][1]).toContain('bad frame');
  });

  test('a throwing log sink does not stop the scheduler', () => {
    const clock = new VirtualClock();
    let runs = 0;
    const s = new Scheduler(
      [{ name: 'X', fn: () => { runs++; throw 'oops'; }, queueSize: 0, startDelay: 0, period: 1, initialState: Stop }],
      { clock, log: () => { throw new Error('sink'); } },
    );
    s.start();
    clock.advance(100);
    expect(runs).toBe(2);
    expect(s.stats.taskErrors).toBe(2);
  });

  test('a task that keeps re-activating itself yields to the clock after maxPassesPerRun', () => {
    let count = 0;
    const order: string[] = [];
    const h = makeHarness(
      [{ name: 'E', initialState: Activate, body: (_c, hh) => { order.push('E'); if (++count < 25) hh.s.setState('E', Activate); } }],
      { maxPassesPerRun: 10 },
    );
    h.s.start();
    h.clock.setTimer(0, () => order.push('other'));
    h.clock.runDue();
    expect(count).toBe(25);
    // The other timer due at the same moment gets its turn after the first 10 passes.
    expect(order.indexOf('other')).toBe(10);
    expect(h.timesOf('E').every((t) => t === 0)).toBe(true);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  test('bad table entries are refused at construction', () => {
    const clock = new VirtualClock();
    const def = { fn: () => {}, queueSize: 0, startDelay: 0, period: 0, initialState: Stop };
    expect(() => new Scheduler([{ ...def, name: '' }], { clock })).toThrow(RangeError);
    expect(() => new Scheduler([{ ...def, name: 'Eth' }, { ...def, name: 'Echo' }], { clock })).toThrow(/first character/);
    expect(() => new Scheduler([{ ...def, name: 'A', queueSize: -1 }], { clock })).toThrow(RangeError);
    expect(() => new Scheduler([{ ...def, name: 'A' }], { clock, tickMs: 0 })).toThrow(RangeError);
    expect(() => new Scheduler([{ ...def, name: 'A' }], { clock, maxPassesPerRun: 0 })).toThrow(RangeError);
  });

  test('stop() cancels the clock timer and nothing runs afterwards', () => {
    const h = makeHarness([{ name: 'P', period: 1 }]);
    h.s.start();
    h.clock.advance(100);
    h.s.stop();
    expect(h.clock.pendingTimers()).toBe(0);
    h.s.setState('P', Activate);
    h.clock.advance(1000);
    expect(h.timesOf('P')).toEqual([50, 100]);
    expect(h.clock.pendingTimers()).toBe(0);
  });
});

describe('clock use', () => {
  test('idle: no clock timer is left pending when nothing is due', () => {
    const h = makeHarness([
      { name: 'E', startDelay: 1, queueSize: 20 },
      { name: 'T', startDelay: RESERVE_MONO_TIMER, queueSize: 20 },
      { name: 'a', initialState: Activate },
    ]);
    h.s.start();
    expect(h.clock.pendingTimers()).toBe(1);
    h.clock.advance(50);
    expect(h.timesOf('a')).toEqual([0]);
    expect(h.timesOf('E')).toEqual([50]);
    expect(h.clock.pendingTimers()).toBe(0);
    // A mono timer needs exactly one wake-up, at its tick.
    h.s.monoTimer('T', 3, 1);
    expect(h.clock.pendingTimers()).toBe(1);
    expect(h.clock.nextTimerAt()).toBe(200);
    h.clock.advance(1000);
    expect(h.timesOf('T')).toEqual([200]);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  test('one clock timer at most, set for the earliest due thing', () => {
    const h = makeHarness([
      { name: 'A', startDelay: 7 },
      { name: 'B', startDelay: 3 },
      { name: 'C', queueSize: 10 },
    ]);
    h.s.start();
    expect(h.clock.pendingTimers()).toBe(1);
    expect(h.clock.nextTimerAt()).toBe(150);
    h.s.globalMonoTimer('C', 1, 1);
    expect(h.clock.pendingTimers()).toBe(1);
    expect(h.clock.nextTimerAt()).toBe(50);
    h.clock.advance(50);
    expect(h.clock.pendingTimers()).toBe(1);
    expect(h.clock.nextTimerAt()).toBe(150);
  });

  test('an activation from outside a run (e.g. a driver callback) runs the task at that moment', () => {
    const h = makeHarness([{ name: 'E', queueSize: 10 }]);
    h.s.start();
    h.clock.setTimer(1234, () => h.s.setState('E', Activate));
    h.clock.advance(5000);
    expect(h.timesOf('E')).toEqual([1234]);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  test('systemTick is whole ticks since start', () => {
    const h = makeHarness([{ name: 'A' }], {}, 500);
    expect(h.s.systemTick()).toBe(0);
    h.s.start();
    h.clock.advance(49);
    expect(h.s.systemTick()).toBe(0);
    h.clock.advance(1);
    expect(h.s.systemTick()).toBe(1);
    h.clock.advance(1000);
    expect(h.s.systemTick()).toBe(21);
    expect(h.s.ticksPerSecond).toBe(20);
  });

  test('a 10 ms tick resolution scales SEC, start delays, timers and the tick counter', () => {
    const h = makeHarness([
      { name: 'E', startDelay: 0.05 * 100 },
      { name: 'T', startDelay: RESERVE_MONO_TIMER, queueSize: 10 },
    ], { tickMs: 10 });
    expect(h.s.ticksPerSecond).toBe(100);
    h.s.start();
    h.clock.advance(49);
    expect(h.runs).toEqual([]);
    h.clock.advance(1);
    expect(h.timesOf('E')).toEqual([50]);
    h.s.monoTimer('T', 3, 4);
    h.clock.advance(29);
    expect(h.timesOf('T')).toEqual([]);
    h.clock.advance(1);
    expect(h.runs.filter((r) => r.task === 'T').map((r) => [r.at, r.messages])).toEqual([[80, [[0, 0, 0x54, 0, 4]]]]);
    h.clock.advance(1154);
    expect(h.s.systemTick()).toBe(123);
  });

  test('a late clock (real time) fires a periodic task once and keeps its phase', () => {
    // A clock that delivers every timer 120 ms late, as a busy host might.
    const inner = new VirtualClock();
    const late = {
      now: () => inner.now(),
      setTimer: (at: number, fire: () => void) => inner.setTimer(at + 120, fire),
      clearTimer: (id: number) => inner.clearTimer(id),
    };
    const times: number[] = [];
    const s = new Scheduler([{ name: 'P', fn: () => times.push(inner.now()), queueSize: 0, startDelay: 0, period: 2, initialState: Stop }], { clock: late });
    s.start();
    inner.advance(700);
    // Due at ticks 2, 4, 6...; each wake is 120 ms late and skips the periods it missed.
    expect(times).toEqual([220, 420, 620]);
  });
});
