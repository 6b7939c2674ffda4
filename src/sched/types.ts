import type { Clock } from '../host/clock.js';
import type { LogSink } from '../host/log.js';

/**
 * A task's state byte. The values are µTasker's (UTASKER_STOP ... UTASKER_ERROR) because
 * states are bit flags that µTasker code combines and tests with `&`.
 */
export enum TaskState {
  Stop = 0x00,
  Go = 0x01,
  Suspended = 0x02,
  Activate = 0x04,
  Polling = 0x08,
  /** Pseudo state reported for a task that does not exist. */
  Error = 0x80,
}

/** A task's identity: the first character of its name, e.g. 'T' for "TCP". */
export type TaskName = string;

/** How callers may name a task: its character ('T') or that character's code (0x54). */
export type TaskRef = TaskName | number;

/** Identifies a task's input queue for `read` (µTasker's QUEUE_HANDLE; 0 = the task has none). */
export type QueueHandle = number;

/** What a task function receives (µTasker passes its TTASKTABLE entry). */
export interface TaskContext {
  /** The full name from the table, e.g. "TCP". */
  readonly name: string;
  /** The task character, e.g. 'T'. */
  readonly id: TaskName;
  /** The task's own input queue, to pass to `read`. */
  readonly queue: QueueHandle;
}

export type TaskFunction = (task: TaskContext) => void;

/** One entry of the task table (µTasker's UTASKTABLEINIT). */
export interface TaskDefinition {
  name: string;
  fn: TaskFunction;
  /** Input queue size in bytes, 0 = no queue. */
  queueSize: number;
  /** Ticks until the first activation; RESERVE_MONO_TIMER reserves a mono timer without starting it. */
  startDelay: number;
  /** Ticks between activations, 0 = not periodic. */
  period: number;
  initialState: TaskState;
}

export interface SchedulerOptions {
  clock: Clock;
  /** Milliseconds per tick; µTasker's TICK_RESOLUTION. Default 50. */
  tickMs?: number;
  log?: LogSink;
  /** Passes over the table in one run before yielding to the clock. Default 1000. */
  maxPassesPerRun?: number;
}

export interface SchedulerStats {
  /** Passes over the task table, over all runs. */
  passes: number;
  /** Times each task ran, keyed by task character. */
  taskRuns: Record<string, number>;
  /** Messages rejected because the destination queue had no room for all of them. */
  queueOverflows: number;
  /** Task functions that threw. */
  taskErrors: number;
  /** Messages that could not be routed: malformed, unknown destination, or a task without a queue. */
  undeliverable: number;
}

/** startDelay value that gives a task a mono timer without starting it (µTasker's NO_DELAY_RESERVE_MONO). */
export const RESERVE_MONO_TIMER = 0xffff;

/** Default tick length in milliseconds (µTasker's TICK_RESOLUTION of 50 ms). */
export const DEFAULT_TICK_MS = 50;

/** Number of global timer slots (µTasker's TIMER_QUANTITY). */
export const GLOBAL_TIMER_SLOTS = 10;

/** Ticks per second for a tick length (µTasker's SEC); usable before a Scheduler exists. */
export function ticksPerSecond(tickMs: number = DEFAULT_TICK_MS): number {
  // µTasker computes SEC with integer division; the epsilon absorbs float noise (1000 / 0.1).
  return Math.floor(1000 / tickMs + 1e-9);
}
