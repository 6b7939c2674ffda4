import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import * as api from '../../src/api/scheduler.js';
import {
  bindScheduler,
  CHECK_QUEUE,
  HEADER_LENGTH,
  INTERNAL_ROUTE,
  INTERRUPT_EVENT,
  MEDIUM_QUEUE,
  MSG_CONTENT_COMMAND,
  MSG_DESTINATION_TASK,
  MSG_SOURCE_TASK,
  MSG_TIMER_EVENT,
  NO_DELAY_RESERVE_MONO,
  taskEntry,
  ticksPerSecond,
  TIMER_EVENT,
  uTaskerStart,
  UTASKER_ACTIVATE,
  UTASKER_ERROR,
  UTASKER_GO,
  UTASKER_STOP,
  UTASKER_SUSPENDED,
} from '../../src/api/scheduler.js';
import type { TTASKTABLE, UTASKTABLEINIT } from '../../src/api/scheduler.js';

describe('µTasker constants', () => {
  test('have µTasker\'s values', () => {
    expect({
      UTASKER_STOP: api.UTASKER_STOP, UTASKER_GO: api.UTASKER_GO, UTASKER_SUSPENDED: api.UTASKER_SUSPENDED,
      UTASKER_ACTIVATE: api.UTASKER_ACTIVATE, UTASKER_POLLING: api.UTASKER_POLLING, UTASKER_ERROR: api.UTASKER_ERROR,
      INTERNAL_ROUTE: api.INTERNAL_ROUTE,
      TIMER_EVENT: api.TIMER_EVENT, INTERRUPT_EVENT: api.INTERRUPT_EVENT, FUNCTION_EVENT: api.FUNCTION_EVENT, CHECK_QUEUE: api.CHECK_QUEUE,
      HEADER_LENGTH: api.HEADER_LENGTH,
      MSG_DESTINATION_NODE: api.MSG_DESTINATION_NODE, MSG_SOURCE_NODE: api.MSG_SOURCE_NODE, MSG_DESTINATION_TASK: api.MSG_DESTINATION_TASK,
      MSG_SOURCE_TASK: api.MSG_SOURCE_TASK, MSG_CONTENT_LENGTH: api.MSG_CONTENT_LENGTH, MSG_INTERRUPT_EVENT: api.MSG_INTERRUPT_EVENT,
      MSG_TIMER_EVENT: api.MSG_TIMER_EVENT, MSG_CONTENT_COMMAND: api.MSG_CONTENT_COMMAND, MSG_CONTENT_DATA_START: api.MSG_CONTENT_DATA_START,
      SMALL_QUEUE: api.SMALL_QUEUE, MEDIUM_QUEUE: api.MEDIUM_QUEUE, LARGE_QUEUE: api.LARGE_QUEUE,
      NO_DELAY_RESERVE_MONO: api.NO_DELAY_RESERVE_MONO, TIMER_QUANTITY: api.TIMER_QUANTITY, DEFAULT_TICK_MS: api.DEFAULT_TICK_MS,
      TASK_ETHERNET: api.TASK_ETHERNET, TASK_ARP: api.TASK_ARP, TASK_TCP: api.TASK_TCP, TASK_APPLICATION: api.TASK_APPLICATION, TASK_TIMER: api.TASK_TIMER,
    }).toEqual({
      UTASKER_STOP: 0x00, UTASKER_GO: 0x01, UTASKER_SUSPENDED: 0x02, UTASKER_ACTIVATE: 0x04, UTASKER_POLLING: 0x08, UTASKER_ERROR: 0x80,
      INTERNAL_ROUTE: 0,
      TIMER_EVENT: 0x00, INTERRUPT_EVENT: 0x01, FUNCTION_EVENT: 0x02, CHECK_QUEUE: 0x03,
      HEADER_LENGTH: 5,
      MSG_DESTINATION_NODE: 0, MSG_SOURCE_NODE: 1, MSG_DESTINATION_TASK: 2, MSG_SOURCE_TASK: 3, MSG_CONTENT_LENGTH: 4,
      MSG_INTERRUPT_EVENT: 4, MSG_TIMER_EVENT: 4, MSG_CONTENT_COMMAND: 5, MSG_CONTENT_DATA_START: 6,
      SMALL_QUEUE: 37, MEDIUM_QUEUE: 69, LARGE_QUEUE: 133,
      NO_DELAY_RESERVE_MONO: 0xffff, TIMER_QUANTITY: 10, DEFAULT_TICK_MS: 50,
      TASK_ETHERNET: 'E', TASK_ARP: 'A', TASK_TCP: 'T', TASK_APPLICATION: 'a', TASK_TIMER: 'p',
    });
  });

  test('SEC is derived from the tick resolution', () => {
    expect(ticksPerSecond()).toBe(20);
    expect(ticksPerSecond(50)).toBe(20);
    expect(ticksPerSecond(10)).toBe(100);
    expect(ticksPerSecond(1)).toBe(1000);
    expect(ticksPerSecond(0.1)).toBe(10000);
  });
});

describe('a µTasker-style application', () => {
  test('table, task functions and bound calls work as in µTasker', () => {
    const TICK_MS = 50;
    const SEC = ticksPerSecond(TICK_MS);
    const clock = new VirtualClock();
    const trace: string[] = [];
    let os: ReturnType<typeof bindScheduler>;

    // The TCP task polls once a second (its mono timer) and takes interrupt events.
    function fnTaskTCP(ptrTaskTable: TTASKTABLE): void {
      const ucInputMessage = new Uint8Array(HEADER_LENGTH + 8);
      while (os.fnRead(ptrTaskTable.queue, ucInputMessage, HEADER_LENGTH) !== 0) {
        switch (ucInputMessage[MSG_SOURCE_TASK]) {
          case TIMER_EVENT:
            trace.push(`T timer ${ucInputMessage[MSG_TIMER_EVENT]} @${clock.now()} tick ${os.uTaskerSystemTick()}`);
            os.uTaskerMonoTimer('T', 1 * SEC, 1);
            break;
          case INTERRUPT_EVENT:
            trace.push(`T int ${ucInputMessage[MSG_TIMER_EVENT]} @${clock.now()}`);
            break;
          default: {
            const n = os.fnRead(ptrTaskTable.queue, ucInputMessage.subarray(HEADER_LENGTH), ucInputMessage[4]);
            trace.push(`T msg from ${String.fromCharCode(ucInputMessage[MSG_SOURCE_TASK])} cmd ${ucInputMessage[MSG_CONTENT_COMMAND]} (${n}) @${clock.now()}`);
          }
        }
      }
    }
    // The application starts after 0.1 s: it starts the TCP poll, sends TCP a command and
    // starts a global timer. Later runs report what arrives in its queue.
    let started = false;
    function fnApplication(ptrTaskTable: TTASKTABLE): void {
      if (!started) {
        started = true;
        trace.push(`a start @${clock.now()}`);
        os.uTaskerMonoTimer('T', 1 * SEC, 1);
        const msg = new Uint8Array(HEADER_LENGTH + 1);
        msg[MSG_DESTINATION_TASK] = 'T'.charCodeAt(0);
        msg[MSG_SOURCE_TASK] = 'a'.charCodeAt(0);
        msg[4] = 1;
        msg[MSG_CONTENT_COMMAND] = 0x2a;
        trace.push(`a wrote ${os.fnWrite(INTERNAL_ROUTE, msg, msg.length)}`);
        os.uTaskerGlobalMonoTimer('a', 3 * SEC, 5);
        return;
      }
      const m = new Uint8Array(HEADER_LENGTH + 8);
      while (os.fnRead(ptrTaskTable.queue, m, HEADER_LENGTH) !== 0) {
        if (m[MSG_SOURCE_TASK] === TIMER_EVENT) {
          trace.push(`a timer ${m[MSG_TIMER_EVENT]} @${clock.now()}`);
        } else {
          os.fnRead(ptrTaskTable.queue, m.subarray(HEADER_LENGTH), m[4]);
          trace.push(`a msg from ${String.fromCharCode(m[MSG_SOURCE_TASK])} cmd ${m[MSG_CONTENT_COMMAND]} @${clock.now()}`);
        }
      }
    }
    const ctTaskTable: UTASKTABLEINIT[] = [
      { name: 'TCP', fn: fnTaskTCP, queueSize: MEDIUM_QUEUE, startDelay: NO_DELAY_RESERVE_MONO, period: 0, initialState: UTASKER_STOP },
      taskEntry('app', fnApplication, HEADER_LENGTH * 4, 0.1 * SEC, 0, UTASKER_STOP),
    ];
    const scheduler = uTaskerStart(ctTaskTable, { clock, tickMs: TICK_MS });
    os = bindScheduler(scheduler);
    expect(os.SEC).toBe(20);

    clock.advance(2200);
    expect(trace).toEqual([
      'a start @100',
      'a wrote 6',
      'T msg from a cmd 42 (1) @100',
      'T timer 1 @1100 tick 22',
      'T timer 1 @2100 tick 42',
    ]);
    // At 2200 ms (tick 44): TCP's next poll is at tick 62, the application's global timer too.
    expect(os.uTaskerSystemTick()).toBe(44);
    expect(os.uTaskerRemainingTime('T')).toBe(18);
    expect(scheduler.globalRemainingTime('a', 5)).toBe(18);
    expect(os.fnInterruptMessage('T', 7)).toBe(5);
    clock.runDue();
    expect(trace[trace.length - 1]).toBe('T int 7 @2200');

    // State calls.
    expect(os.uGetTaskState('T')).toBe(UTASKER_STOP);
    os.uTaskerStateChange('T', UTASKER_GO);
    expect(os.uGetTaskState('T')).toBe(UTASKER_GO);
    os.uTaskerStateChange('T', UTASKER_STOP);
    expect(os.uGetTaskState('x')).toBe(UTASKER_ERROR);
    os.uTaskerStopTimer('T');
    expect(os.uGetTaskState('T')).toBe(UTASKER_SUSPENDED);
    expect(os.uTaskerRemainingTime('T')).toBe(0);
    os.uTaskerStateChange('T', UTASKER_ACTIVATE);
    expect(os.uGetTaskState('T')).toBe(UTASKER_ACTIVATE);

    // CHECK_QUEUE through fnWrite, and a write to a route other than INTERNAL_ROUTE.
    const check = Uint8Array.of(INTERNAL_ROUTE, INTERNAL_ROUTE, 'a'.charCodeAt(0), CHECK_QUEUE, 0);
    expect(os.fnWrite(INTERNAL_ROUTE, check, HEADER_LENGTH)).toBe(20);
    expect(os.fnWrite(3, check, HEADER_LENGTH)).toBe(0);
    expect(os.fnEventMessage('a', 'T', 9)).toBe(6);
    expect(os.fnWrite(INTERNAL_ROUTE, check, HEADER_LENGTH)).toBe(14);
    clock.advance(1000);
    expect(trace.slice(-2)).toEqual(['a msg from T cmd 9 @2200', 'a timer 5 @3100']);

    // A global timer stopped with event 0 (all of the owner's) never arrives.
    expect(os.uTaskerGlobalMonoTimer('a', 1, 6)).toBe(true);
    os.uTaskerGlobalStopTimer('a', 0);
    clock.advance(1000);
    expect(trace[trace.length - 1]).toBe('a timer 5 @3100');
    expect(scheduler.stats.taskRuns.a).toBe(3);
    expect(clock.pendingTimers()).toBe(0);
  });
});
