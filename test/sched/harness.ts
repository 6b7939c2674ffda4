/** Test harness: a scheduler on a virtual clock whose tasks record when they ran and what they read. */
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import type { LogLevel } from '../../src/host/log.js';
import { Scheduler } from '../../src/sched/scheduler.js';
import type { SchedulerOptions, TaskContext, TaskDefinition, TaskState } from '../../src/sched/types.js';

export interface RunRecord {
  at: number; // virtual ms
  task: string;
  messages: number[][]; // whole messages read from the queue during this run
}

export interface Harness {
  clock: VirtualClock;
  s: Scheduler;
  runs: RunRecord[];
  logs: Array<[LogLevel, string]>;
  /** Runs of one task, as times. */
  timesOf(task: string): number[];
}

export type TaskBody = (ctx: TaskContext, h: Harness, record: RunRecord) => void;

export interface TaskSpec {
  name: string;
  queueSize?: number;
  startDelay?: number;
  period?: number;
  initialState?: TaskState | number;
  /** Called after the task has drained its queue. */
  body?: TaskBody;
  /** Leave the queue alone (the body reads it). */
  noDrain?: boolean;
}

/** Reads whole messages: the 5-byte header, then content unless it is a timer or interrupt event. */
export function drain(s: Scheduler, queue: number, maxMessages = 50): number[][] {
  const out: number[][] = [];
  const buf = new Uint8Array(256);
  for (let i = 0; i < maxMessages; i++) {
    if (s.read(queue, buf, 5) !== 5) break;
    const header = Array.from(buf.subarray(0, 5));
    const source = header[3];
    const contentLength = source === 0x00 || source === 0x01 ? 0 : header[4];
    const got = s.read(queue, buf, contentLength);
    out.push(header.concat(Array.from(buf.subarray(0, got))));
  }
  return out;
}

export function makeHarness(specs: TaskSpec[], options: Partial<SchedulerOptions> = {}, startAt = 0): Harness {
  const clock = new VirtualClock(startAt);
  const runs: RunRecord[] = [];
  const logs: Array<[LogLevel, string]> = [];
  const h = { clock, runs, logs } as unknown as Harness;
  const defs: TaskDefinition[] = specs.map((spec) => ({
    name: spec.name,
    queueSize: spec.queueSize ?? 0,
    startDelay: spec.startDelay ?? 0,
    period: spec.period ?? 0,
    initialState: (spec.initialState ?? 0) as TaskState,
    fn: (ctx: TaskContext) => {
      const record: RunRecord = { at: clock.now(), task: ctx.id, messages: [] };
      runs.push(record);
      if (ctx.queue !== 0 && !spec.noDrain) record.messages = drain(h.s, ctx.queue);
      spec.body?.(ctx, h, record);
    },
  }));
  h.s = new Scheduler(defs, { clock, log: (level, message) => logs.push([level, message]), ...options });
  h.timesOf = (task: string) => runs.filter((r) => r.task === task).map((r) => r.at);
  return h;
}

/** The ASCII code of a task character. */
export const code = (c: string): number => c.charCodeAt(0);
