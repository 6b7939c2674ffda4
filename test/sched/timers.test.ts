import { GlobalTimers } from '../../src/sched/global-timers.js';
import { RESERVE_MONO_TIMER, TaskState } from '../../src/sched/types.js';
import { code, makeHarness } from './harness.js';
import type { Harness } from './harness.js';

const T = code('T');
const A = code('a');

/** A TCP-like task with a reserved mono timer and a queue. */
function tcpHarness(): Harness {
  const h = makeHarness([{ name: 'TCP', queueSize: 69, startDelay: RESERVE_MONO_TIMER }]);
  h.s.start();
  return h;
}

const runsOf = (h: Harness, task: string) => h.runs.filter((r) => r.task === task).map((r) => [r.at, r.messages]);

describe('mono timer', () => {
  test('the event arrives as a 5-byte TIMER_EVENT message at its tick, not one tick earlier', () => {
    const h = tcpHarness();
    h.clock.advance(120); // tick 2
    h.s.monoTimer('T', 3, 7); // fires at tick 5 = 250 ms
    h.clock.advance(129);
    expect(runsOf(h, 'T')).toEqual([]);
    h.clock.advance(1);
    expect(runsOf(h, 'T')).toEqual([[250, [[0, 0, T, 0x00, 7]]]]);
    h.clock.advance(1000);
    expect(h.runs).toHaveLength(1);
  });

  test('a zero delay is rounded up to one tick', () => {
    const h = tcpHarness();
    h.clock.advance(120); // tick 2
    h.s.monoTimer('T', 0, 9);
    h.clock.advance(29); // 149
    expect(h.runs).toEqual([]);
    h.clock.advance(1);
    expect(runsOf(h, 'T')).toEqual([[150, [[0, 0, T, 0, 9]]]]);
  });

  test('re-arming replaces the running timer (delay and event)', () => {
    const h = tcpHarness();
    h.s.monoTimer('T', 10, 1); // would fire at 500
    h.clock.advance(100); // tick 2
    h.s.monoTimer('T', 4, 2); // fires at tick 6 = 300
    h.clock.advance(1000);
    expect(runsOf(h, 'T')).toEqual([[300, [[0, 0, T, 0, 2]]]]);
  });

  test('a task re-arming its own timer gets a steady series of events', () => {
    const h = makeHarness([{
      name: 'TCP', queueSize: 69, startDelay: RESERVE_MONO_TIMER,
      body: (_c, hh, rec) => { if (rec.messages.length > 0) hh.s.monoTimer('T', 20, 1); },
    }]);
    h.s.start();
    h.s.monoTimer('T', 20, 1);
    h.clock.advance(3500);
    expect(h.timesOf('T')).toEqual([1000, 2000, 3000]);
  });

  test('stopTimer cancels it, reports 0 remaining and sets SUSPENDED (µTasker)', () => {
    const h = tcpHarness();
    h.s.monoTimer('T', 5, 1);
    expect(h.s.remainingTime('T')).toBe(5);
    h.s.stopTimer('T');
    expect(h.s.remainingTime('T')).toBe(0);
    expect(h.s.getState('T')).toBe(TaskState.Suspended);
    h.clock.advance(1000);
    expect(h.runs).toEqual([]);
    expect(h.clock.pendingTimers()).toBe(0);
    // Starting the timer again lifts SUSPENDED.
    h.s.monoTimer('T', 1, 3);
    expect(h.s.getState('T')).toBe(TaskState.Stop);
    h.clock.advance(50);
    expect(runsOf(h, 'T')).toEqual([[1050, [[0, 0, T, 0, 3]]]]);
  });

  test('a message still wakes a task suspended by stopTimer', () => {
    const h = tcpHarness();
    h.s.stopTimer('T');
    h.s.interruptMessage('T', 1);
    h.clock.runDue();
    expect(runsOf(h, 'T')).toEqual([[0, [[0, 0, T, 0x01, 1]]]]);
  });

  test('remainingTime counts down in ticks and is 0 after firing', () => {
    const h = tcpHarness();
    h.clock.advance(100); // tick 2
    h.s.monoTimer('T', 10, 1); // due tick 12
    expect(h.s.remainingTime('T')).toBe(10);
    h.clock.advance(149); // 249 -> tick 4
    expect(h.s.remainingTime('T')).toBe(8);
    h.clock.advance(351); // 600 -> tick 12, fired
    expect(h.s.remainingTime('T')).toBe(0);
    expect(h.s.remainingTime('Z')).toBe(0);
  });

  test('event 0 sets the repetition period (no messages); delay 0 with event 0 stops it', () => {
    const h = tcpHarness();
    h.s.monoTimer('T', 4, 0);
    h.clock.advance(650);
    expect(runsOf(h, 'T')).toEqual([[200, []], [400, []], [600, []]]);
    h.s.monoTimer('T', 0, 0);
    h.clock.advance(1000);
    expect(h.timesOf('T')).toEqual([200, 400, 600]);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  test('a mono timer event on a periodic task repeats with the period (µTasker keeps it in the slot)', () => {
    const h = makeHarness([{ name: 'P', queueSize: 20, period: 4 }]);
    h.s.start();
    h.clock.advance(50); // tick 1
    h.s.monoTimer('P', 2, 5); // fires at tick 3, then every 4 ticks
    h.clock.advance(500);
    const msg = [0, 0, code('P'), 0, 5];
    expect(runsOf(h, 'P')).toEqual([[150, [msg]], [350, [msg]], [550, [msg]]]);
  });

  test('a task declared without a timer ignores mono timer calls (with a warning)', () => {
    const h = makeHarness([{ name: 'a', queueSize: 20 }]);
    h.s.start();
    h.s.monoTimer('a', 2, 1);
    h.clock.advance(1000);
    expect(h.runs).toEqual([]);
    expect(h.logs.some(([level, m]) => level === 'warn' && m.includes('no timer'))).toBe(true);
  });

  test('bad arguments are ignored without throwing', () => {
    const h = tcpHarness();
    h.s.monoTimer('T', -1, 1);
    h.s.monoTimer('T', Number.NaN, 1);
    h.s.monoTimer('T', 3, 256);
    h.s.monoTimer('', 3, 1);
    h.s.stopTimer('Q');
    expect(h.s.remainingTime('T')).toBe(0);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  test('the timer message is queued just before the task runs, after messages already waiting', () => {
    const h = tcpHarness();
    // A message arrives at 50 ms, just before the scheduler's wake-up for the timer at 50 ms.
    h.clock.setTimer(50, () => h.s.eventMessage('T', 'A', 0x44));
    h.s.monoTimer('T', 1, 8);
    h.clock.advance(100);
    expect(runsOf(h, 'T')).toEqual([[50, [[0, 0, T, code('A'), 1, 0x44], [0, 0, T, 0, 8]]]]);
  });
});

describe('global timers', () => {
  function appHarness(): Harness {
    const h = makeHarness([{ name: 'app', queueSize: 100 }, { name: 'b', queueSize: 100 }]);
    h.s.start();
    return h;
  }

  test('several timers per owner deliver TIMER_EVENT messages at their ticks', () => {
    const h = appHarness();
    expect(h.s.globalMonoTimer('a', 2, 1)).toBe(true);
    expect(h.s.globalMonoTimer('a', 5, 2)).toBe(true);
    expect(h.s.globalMonoTimer('a', 5, 3)).toBe(true);
    h.clock.advance(99);
    expect(h.runs).toEqual([]);
    h.clock.advance(1000);
    expect(runsOf(h, 'a')).toEqual([
      [100, [[0, 0, A, 0, 1]]],
      [250, [[0, 0, A, 0, 2], [0, 0, A, 0, 3]]],
    ]);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  test('delay 0 fires after one tick; re-arming the same (owner, event) replaces it', () => {
    const h = appHarness();
    h.s.globalMonoTimer('a', 0, 4);
    h.clock.advance(50);
    expect(runsOf(h, 'a')).toEqual([[50, [[0, 0, A, 0, 4]]]]);
    h.s.globalMonoTimer('a', 2, 6); // tick 3
    h.clock.advance(50); // tick 2
    h.s.globalMonoTimer('a', 2, 6); // now tick 4
    expect(h.s.globalRemainingTime('a', 6)).toBe(2);
    h.clock.advance(1000);
    expect(runsOf(h, 'a')).toEqual([[50, [[0, 0, A, 0, 4]]], [200, [[0, 0, A, 0, 6]]]]);
  });

  test('stop one timer of an owner', () => {
    const h = appHarness();
    h.s.globalMonoTimer('a', 2, 1);
    h.s.globalMonoTimer('a', 3, 2);
    h.s.globalStopTimer('a', 1);
    h.clock.advance(1000);
    expect(runsOf(h, 'a')).toEqual([[150, [[0, 0, A, 0, 2]]]]);
  });

  test('event 0 stops all of an owner\'s timers and no other task\'s', () => {
    const h = appHarness();
    h.s.globalMonoTimer('a', 2, 1);
    h.s.globalMonoTimer('a', 3, 2);
    h.s.globalMonoTimer('b', 3, 1);
    h.s.globalStopTimer('a', 0);
    h.clock.advance(1000);
    expect(runsOf(h, 'a')).toEqual([]);
    expect(runsOf(h, 'b')).toEqual([[150, [[0, 0, code('b'), 0, 1]]]]);
  });

  test('all 10 slots busy: a new timer is refused, re-arming an existing one still works', () => {
    const h = appHarness();
    for (let e = 1; e <= 10; e++) expect(h.s.globalMonoTimer('a', 20 + e, e)).toBe(true);
    expect(h.s.globalMonoTimer('b', 1, 1)).toBe(false);
    expect(h.logs.some(([level, m]) => level === 'warn' && m.includes('busy'))).toBe(true);
    expect(h.s.globalMonoTimer('a', 1, 10)).toBe(true); // re-arm of (a, 10)
    h.clock.advance(50);
    expect(runsOf(h, 'a')).toEqual([[50, [[0, 0, A, 0, 10]]]]);
    // That firing freed a slot.
    expect(h.s.globalMonoTimer('b', 1, 1)).toBe(true);
    h.clock.advance(50);
    expect(runsOf(h, 'b')).toEqual([[100, [[0, 0, code('b'), 0, 1]]]]);
  });

  test('an owner without a queue, or unknown, is refused', () => {
    const h = makeHarness([{ name: 'n' }]);
    h.s.start();
    expect(h.s.globalMonoTimer('n', 1, 1)).toBe(false);
    expect(h.s.globalMonoTimer('?', 1, 1)).toBe(false);
    expect(h.s.globalMonoTimer('n', -5, 1)).toBe(false);
    expect(h.clock.pendingTimers()).toBe(0);
  });
});

describe('GlobalTimers table', () => {
  test('simultaneous firings come out in due order, then slot order', () => {
    const g = new GlobalTimers(4);
    g.start(1, 1, 5);
    g.start(2, 1, 3);
    g.start(3, 1, 5);
    g.start(4, 1, 9);
    expect(g.nextDue()).toBe(3);
    const fired: number[][] = [];
    for (let f = g.takeNextDue(6); f !== undefined; f = g.takeNextDue(6)) fired.push([f.owner, f.event]);
    expect(fired).toEqual([[2, 1], [1, 1], [3, 1]]);
    expect(g.active).toBe(1);
    expect(g.nextDue()).toBe(9);
    expect(g.remaining(4, 1, 6)).toBe(3);
    expect(g.remaining(4, 2, 6)).toBe(0);
  });
});
