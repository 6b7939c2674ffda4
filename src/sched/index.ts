/** The cooperative scheduler: task table, states, timers, queues. */
export { Scheduler } from './scheduler.js';
export { ByteQueue } from './queue.js';
export { GlobalTimers } from './global-timers.js';
export type { GlobalTimerFiring } from './global-timers.js';
export { LOCAL_ROUTE, MESSAGE_HEADER_LENGTH, MessageField, MessageSource, writeHeader } from './message.js';
export {
  DEFAULT_TICK_MS,
  GLOBAL_TIMER_SLOTS,
  RESERVE_MONO_TIMER,
  TaskState,
  ticksPerSecond,
} from './types.js';
export type {
  QueueHandle,
  SchedulerOptions,
  SchedulerStats,
  TaskContext,
  TaskDefinition,
  TaskFunction,
  TaskName,
  TaskRef,
} from './types.js';
