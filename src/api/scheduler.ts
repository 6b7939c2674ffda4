/**
 * µTasker's scheduler API: names, argument orders and numeric values as in uTasker.h and
 * driver.h, bound to one Scheduler instance (several stacks can share a realm, so there is
 * no global scheduler).
 *
 * A table can be declared before any Scheduler exists; take SEC from the tick resolution
 * the scheduler will be given:
 *
 *   const SEC = ticksPerSecond(TICK_MS);            // TICK_MS defaults to DEFAULT_TICK_MS (50) -> 20
 *   const ctTaskTable: UTASKTABLEINIT[] = [
 *     { name: 'Eth', fn: fnTaskEthernet, queueSize: HEADER_LENGTH * 12, startDelay: 0.05 * SEC, period: 0, initialState: UTASKER_STOP },
 *     { name: 'TCP', fn: fnTaskTCP, queueSize: MEDIUM_QUEUE, startDelay: NO_DELAY_RESERVE_MONO, period: 0, initialState: UTASKER_STOP },
 *   ];
 *   const scheduler = uTaskerStart(ctTaskTable, { clock, tickMs: TICK_MS });
 *   const { fnWrite, fnRead, uTaskerMonoTimer } = bindScheduler(scheduler);
 */
import { Scheduler } from '../sched/scheduler.js';
import { LOCAL_ROUTE, MESSAGE_HEADER_LENGTH, MessageField, MessageSource } from '../sched/message.js';
import {
  DEFAULT_TICK_MS as SCHED_DEFAULT_TICK_MS,
  GLOBAL_TIMER_SLOTS,
  RESERVE_MONO_TIMER,
  TaskState,
  ticksPerSecond,
} from '../sched/types.js';
import type { QueueHandle, SchedulerOptions, TaskContext, TaskDefinition, TaskFunction, TaskRef } from '../sched/types.js';

export { Scheduler, TaskState, ticksPerSecond };
export type { QueueHandle, SchedulerOptions, TaskRef };

// ---- task states ---------------------------------------------------------------------
export const UTASKER_STOP = TaskState.Stop; // 0x00
export const UTASKER_GO = TaskState.Go; // 0x01
export const UTASKER_SUSPENDED = TaskState.Suspended; // 0x02
export const UTASKER_ACTIVATE = TaskState.Activate; // 0x04
export const UTASKER_POLLING = TaskState.Polling; // 0x08
export const UTASKER_ERROR = TaskState.Error; // 0x80

// ---- messages ------------------------------------------------------------------------
export const INTERNAL_ROUTE = LOCAL_ROUTE; // 0
export const TIMER_EVENT = MessageSource.Timer; // 0x00
export const INTERRUPT_EVENT = MessageSource.Interrupt; // 0x01
export const FUNCTION_EVENT = MessageSource.Function; // 0x02
export const CHECK_QUEUE = MessageSource.CheckQueue; // 0x03
export const HEADER_LENGTH = MESSAGE_HEADER_LENGTH; // 5
export const MSG_DESTINATION_NODE = MessageField.DestinationNode; // 0
export const MSG_SOURCE_NODE = MessageField.SourceNode; // 1
export const MSG_DESTINATION_TASK = MessageField.DestinationTask; // 2
export const MSG_SOURCE_TASK = MessageField.SourceTask; // 3
export const MSG_CONTENT_LENGTH = MessageField.Length; // 4
export const MSG_INTERRUPT_EVENT = MessageField.Length; // 4
export const MSG_TIMER_EVENT = MessageField.Length; // 4
export const MSG_CONTENT_COMMAND = MessageField.Command; // 5
export const MSG_CONTENT_DATA_START = MessageField.Data; // 6

// ---- queue sizes and timers ----------------------------------------------------------
export const SMALL_QUEUE = HEADER_LENGTH + 32;
export const MEDIUM_QUEUE = HEADER_LENGTH + 64;
export const LARGE_QUEUE = HEADER_LENGTH + 128;
/** (DELAY_LIMIT)-1 with DELAY_LIMIT an unsigned short: reserves a mono timer without starting it. */
export const NO_DELAY_RESERVE_MONO = RESERVE_MONO_TIMER; // 0xffff
export const TIMER_QUANTITY = GLOBAL_TIMER_SLOTS; // 10
/** µTasker's default TICK_RESOLUTION in milliseconds. */
export const DEFAULT_TICK_MS = SCHED_DEFAULT_TICK_MS; // 50

// ---- task characters used by the stack --------------------------------------------------
export { TASK_ARP, TASK_ETHERNET, TASK_TCP } from '../net/tasks.js';
export const TASK_APPLICATION = 'a';
/** The global timer task; this Scheduler implements global timers itself, so no table entry is needed. */
export const TASK_TIMER = 'p';

// ---- task table ----------------------------------------------------------------------
/** One entry of ctTaskTable. */
export type UTASKTABLEINIT = TaskDefinition;
/** What a task function receives; `queue` is µTasker's ptrTaskTable->TaskID, the handle fnRead takes. */
export type TTASKTABLE = TaskContext;

/** A table entry in µTasker's positional order: { "Eth", fnTaskEthernet, queue, delay, period, state }. */
export function taskEntry(
  name: string,
  fn: TaskFunction,
  queueSize: number,
  startDelay: number,
  period: number,
  initialState: TaskState,
): UTASKTABLEINIT {
  return { name, fn, queueSize, startDelay, period, initialState };
}

/** uTaskerStart: builds a scheduler for the table and starts it on the given clock. */
export function uTaskerStart(table: UTASKTABLEINIT[], options: SchedulerOptions): Scheduler {
  const scheduler = new Scheduler(table, options);
  scheduler.start();
  return scheduler;
}

// ---- functions bound to one scheduler -------------------------------------------------
export interface UTaskerScheduler {
  /** Ticks per second of this scheduler. */
  readonly SEC: number;
  uTaskerStateChange(task: TaskRef, state: number): void;
  uGetTaskState(task: TaskRef): number;
  uTaskerMonoTimer(task: TaskRef, delay: number, event: number): void;
  uTaskerStopTimer(task: TaskRef): void;
  uTaskerRemainingTime(task: TaskRef): number;
  /** Returns false (µTasker: void) when the timer could not be started. */
  uTaskerGlobalMonoTimer(owner: TaskRef, delay: number, event: number): boolean;
  uTaskerGlobalStopTimer(owner: TaskRef, event: number): void;
  /** Only INTERNAL_ROUTE exists here; other handles return 0. */
  fnWrite(route: QueueHandle, msg: Uint8Array, len: number): number;
  fnRead(queue: QueueHandle, buf: Uint8Array, n: number): number;
  fnInterruptMessage(task: TaskRef, event: number): number;
  fnEventMessage(dest: TaskRef, src: TaskRef, event: number): number;
  uTaskerSystemTick(): number;
}

export function bindScheduler(s: Scheduler): UTaskerScheduler {
  return {
    SEC: s.ticksPerSecond,
    uTaskerStateChange: (task, state) => {
      s.setState(task, state);
    },
    uGetTaskState: (task) => s.getState(task),
    uTaskerMonoTimer: (task, delay, event) => s.monoTimer(task, delay, event),
    uTaskerStopTimer: (task) => s.stopTimer(task),
    uTaskerRemainingTime: (task) => s.remainingTime(task),
    uTaskerGlobalMonoTimer: (owner, delay, event) => s.globalMonoTimer(owner, delay, event),
    uTaskerGlobalStopTimer: (owner, event) => s.globalStopTimer(owner, event),
    fnWrite: (route, msg, len) => (route === INTERNAL_ROUTE ? s.write(msg, len) : 0),
    fnRead: (queue, buf, n) => s.read(queue, buf, n),
    fnInterruptMessage: (task, event) => s.interruptMessage(task, event),
    fnEventMessage: (dest, src, event) => s.eventMessage(dest, src, event),
    uTaskerSystemTick: () => s.systemTick(),
  };
}
