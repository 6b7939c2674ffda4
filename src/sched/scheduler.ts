import type { Clock, TimerId } from '../host/clock.js';
import type { LogLevel, LogSink } from '../host/log.js';
import { silentLog } from '../host/log.js';
import { GlobalTimers } from './global-timers.js';
import { MESSAGE_HEADER_LENGTH, MessageField, MessageSource, writeHeader } from './message.js';
import { ByteQueue } from './queue.js';
import {
  DEFAULT_TICK_MS,
  GLOBAL_TIMER_SLOTS,
  RESERVE_MONO_TIMER,
  TaskState,
  ticksPerSecond,
} from './types.js';
import type {
  QueueHandle,
  SchedulerOptions,
  SchedulerStats,
  TaskContext,
  TaskDefinition,
  TaskFunction,
  TaskName,
  TaskRef,
} from './types.js';

const RUNNABLE = TaskState.Go | TaskState.Activate | TaskState.Polling;
const DEFAULT_MAX_PASSES = 1000;
const NO_QUEUE: QueueHandle = 0;

/** Run-time state of one table entry (µTasker's TTASKTABLE plus its TTIMETABLE slot). */
interface TaskRecord {
  readonly id: TaskName;
  readonly code: number;
  readonly fn: TaskFunction;
  readonly queue: ByteQueue | undefined;
  readonly context: TaskContext;
  /** Only tasks declared with a start delay or period own a mono timer, as in µTasker. */
  readonly hasTimer: boolean;
  state: number;
  period: number;
  timerEnabled: boolean;
  /** Absolute tick at which the mono timer fires. */
  timerDue: number;
  /** Event the mono timer reports when it fires (0 = none). */
  timerEvent: number;
  /** Event of a fired mono timer, queued as a TIMER_EVENT message just before the task runs. */
  pendingEvent: number;
}

/**
 * µTasker's cooperative scheduler, driven by a host Clock instead of a tick interrupt and a
 * main loop. Every piece of state lives in the instance, so several stacks can share a realm.
 *
 * Time: the tick counter is floor((now - start) / tickMs). The scheduler keeps at most one
 * clock timer, set for the earliest thing due (a timer's tick, the next tick for GO/POLLING
 * tasks, or "now" after an activation from outside a run), and sets none when idle.
 */
export class Scheduler {
  readonly tickMs: number;
  readonly ticksPerSecond: number;
  readonly stats: SchedulerStats;

  private readonly clock: Clock;
  private readonly log: LogSink;
  private readonly maxPasses: number;
  private readonly tasks: TaskRecord[] = [];
  private readonly byCode: (TaskRecord | undefined)[] = new Array(256).fill(undefined);
  private readonly queues: ByteQueue[] = [];
  private readonly globalTimers = new GlobalTimers(GLOBAL_TIMER_SLOTS);
  // Built-in messages (timer, interrupt, event) are assembled here; write() copies them out.
  private readonly scratch = new Uint8Array(MESSAGE_HEADER_LENGTH + 1);

  private started = false;
  private stopped = false;
  private running = false;
  private startTime = 0;
  /** Highest tick seen, so the counter never steps back even if float rounding would. */
  private lastTick = 0;
  /** Tick of the last completed run; GO/POLLING tasks cause at most one run per tick. */
  private lastRunTick = -1;
  private wakeTimer: TimerId | undefined;
  private wakeAt = Number.NaN;
  private wakeTick: number | undefined;

  constructor(tasks: TaskDefinition[], options: SchedulerOptions) {
    const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    if (!(tickMs > 0) || !Number.isFinite(tickMs)) throw new RangeError(`Scheduler: tickMs must be > 0, got ${tickMs}`);
    const maxPasses = options.maxPassesPerRun ?? DEFAULT_MAX_PASSES;
    if (!Number.isInteger(maxPasses) || maxPasses < 1) throw new RangeError(`Scheduler: maxPassesPerRun must be a positive integer, got ${maxPasses}`);
    this.clock = options.clock;
    this.log = options.log ?? silentLog;
    this.tickMs = tickMs;
    this.ticksPerSecond = ticksPerSecond(tickMs);
    this.maxPasses = maxPasses;
    this.stats = { passes: 0, taskRuns: {}, queueOverflows: 0, taskErrors: 0, undeliverable: 0 };
    for (const def of tasks) this.addTask(def);
  }

  /** uTaskerStart: begins counting ticks from now and lets the clock drive the tasks. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.startTime = this.clock.now();
    this.reschedule();
  }

  /** Cancels the clock timer; nothing runs afterwards (hosts and tests shutting down). */
  stop(): void {
    this.stopped = true;
    this.cancelWake();
  }

  /** uTaskerSystemTick: whole ticks since start (0 before start). */
  systemTick(): number {
    if (!this.started) return 0;
    const tick = Math.floor((this.clock.now() - this.startTime) / this.tickMs);
    if (tick > this.lastTick) this.lastTick = tick;
    return this.lastTick;
  }

  /** uTaskerStateChange. Returns the task's state afterwards, or undefined for an unknown task or bad state. */
  setState(task: TaskRef, state: TaskState | number): TaskState | undefined {
    const t = this.lookup(task);
    if (t === undefined || !isByte(state)) return undefined;
    if (state === TaskState.Stop) {
      // Stopping a periodic task re-synchronises its period to now.
      if (t.hasTimer && t.period !== 0) t.timerDue = this.systemTick() + t.period;
      t.state = TaskState.Stop;
    } else if ((state & TaskState.Activate) === 0 || (t.state & TaskState.Polling) === 0) {
      // ACTIVATE leaves a POLLING task as it is; every other change is a plain assignment.
      t.state = state;
    }
    this.reschedule();
    return t.state;
  }

  /** uGetTaskState: TaskState.Error for an unknown task. */
  getState(task: TaskRef): TaskState {
    const t = this.lookup(task);
    return t === undefined ? TaskState.Error : t.state;
  }

  /**
   * uTaskerMonoTimer: (re)starts the task's timer to fire `delayTicks` from now (0 counts as
   * 1) with `event`. Event 0 instead sets the task's period to `delayTicks` (0 stops it).
   * Also lifts SUSPENDED. Ignored for tasks declared without a timer, as in µTasker.
   */
  monoTimer(task: TaskRef, delayTicks: number, event: number): void {
    const t = this.lookup(task);
    const delay = toTicks(delayTicks);
    if (t === undefined || delay === undefined || !isByte(event)) return;
    if (!t.hasTimer) {
      this.note('warn', `monoTimer: task '${t.id}' has no timer (declare a startDelay, period or RESERVE_MONO_TIMER)`);
      return;
    }
    t.state &= ~TaskState.Suspended;
    t.timerEvent = event;
    if (event === 0) {
      t.period = delay;
      if (delay === 0) {
        t.timerEnabled = false;
        this.reschedule();
        return;
      }
    }
    t.timerDue = this.systemTick() + Math.max(1, delay);
    t.timerEnabled = true;
    this.reschedule();
  }

  /** uTaskerStopTimer: disables the task's timer and, as µTasker does, sets its SUSPENDED bit. */
  stopTimer(task: TaskRef): void {
    const t = this.lookup(task);
    if (t === undefined || !t.hasTimer) return;
    t.timerEvent = 0;
    t.timerEnabled = false;
    t.state |= TaskState.Suspended;
    this.reschedule();
  }

  /** uTaskerRemainingTime: ticks until the task's timer fires; 0 when it is not running. */
  remainingTime(task: TaskRef): number {
    const t = this.lookup(task);
    if (t === undefined || !t.timerEnabled) return 0;
    return Math.max(0, t.timerDue - this.systemTick());
  }

  /**
   * uTaskerGlobalMonoTimer: one of several timers per task, named by (owner, event). When it
   * fires, [INTERNAL_ROUTE, INTERNAL_ROUTE, owner, TIMER_EVENT, event] goes to the owner's
   * queue. Returns false when the owner has no queue or all slots are busy.
   */
  globalMonoTimer(owner: TaskRef, delayTicks: number, event: number): boolean {
    const t = this.lookup(owner);
    const delay = toTicks(delayTicks);
    if (t === undefined || delay === undefined || !isByte(event)) return false;
    if (t.queue === undefined) {
      this.note('warn', `globalMonoTimer: task '${t.id}' has no queue to receive the timer event`);
      return false;
    }
    const ok = this.globalTimers.start(t.code, event, this.systemTick() + Math.max(1, delay));
    if (!ok) this.note('warn', `globalMonoTimer: all ${GLOBAL_TIMER_SLOTS} global timers are busy (task '${t.id}', event ${event})`);
    this.reschedule();
    return ok;
  }

  /** uTaskerGlobalStopTimer: stops the owner's timer for `event`, or all of them for event 0. */
  globalStopTimer(owner: TaskRef, event: number): void {
    const t = this.lookup(owner);
    if (t === undefined || !isByte(event)) return;
    this.globalTimers.stop(t.code, event);
    this.reschedule();
  }

  /** Ticks until the owner's global timer for `event` fires; 0 when it does not run. */
  globalRemainingTime(owner: TaskRef, event: number): number {
    const t = this.lookup(owner);
    if (t === undefined || !isByte(event)) return 0;
    return this.globalTimers.remaining(t.code, event, this.systemTick());
  }

  /**
   * fnWrite(INTERNAL_ROUTE, message, length): copies the whole message (header and content)
   * into the queue of the task named at MSG_DESTINATION_TASK and activates that task.
   * Returns the bytes written; 0 when it does not fit (all or nothing, counted and logged,
   * where µTasker would cut it) or cannot be routed. A MSG_SOURCE_TASK of CHECK_QUEUE only
   * returns the destination queue's free space.
   */
  write(message: Uint8Array, length: number = message.length): number {
    if (!Number.isInteger(length) || length < MESSAGE_HEADER_LENGTH || length > message.length) {
      return this.undeliverable(`write: a message needs ${MESSAGE_HEADER_LENGTH}..${message.length} bytes, got length ${length}`);
    }
    if (message[MessageField.DestinationNode] !== message[MessageField.SourceNode]) {
      return this.undeliverable('write: messages to other nodes are not supported');
    }
    const t = this.byCode[message[MessageField.DestinationTask]];
    if (t === undefined || t.queue === undefined) {
      return this.undeliverable(`write: no queue for task 0x${message[MessageField.DestinationTask].toString(16)}`);
    }
    if (message[MessageField.SourceTask] === MessageSource.CheckQueue) return t.queue.free;
    const written = t.queue.write(message, length);
    // Wake the destination even when its queue is full: it is the one that can drain it.
    this.activate(t);
    if (!written) {
      this.stats.queueOverflows++;
      this.note('warn', `write: queue of task '${t.id}' is full, ${length}-byte message dropped (${t.queue.free} free)`);
      return 0;
    }
    return length;
  }

  /** fnRead: moves up to `n` bytes from the queue into `buf`; returns how many. */
  read(queue: QueueHandle, buf: Uint8Array, n: number): number {
    if (!Number.isInteger(queue) || queue < 1 || queue > this.queues.length) return 0;
    return this.queues[queue - 1].read(buf, n);
  }

  /** fnInterruptMessage: sends [INTERNAL_ROUTE, INTERNAL_ROUTE, task, INTERRUPT_EVENT, event]; returns bytes written. */
  interruptMessage(task: TaskRef, event: number): number {
    const code = taskCode(task);
    if (code <= 0) return 0;
    writeHeader(this.scratch, code, MessageSource.Interrupt, event);
    return this.write(this.scratch, MESSAGE_HEADER_LENGTH);
  }

  /** fnEventMessage: sends the 6-byte message [INTERNAL_ROUTE, INTERNAL_ROUTE, dest, src, 1, event]; returns bytes written. */
  eventMessage(dest: TaskRef, src: TaskRef, event: number): number {
    const destCode = taskCode(dest);
    const srcCode = taskCode(src);
    if (destCode <= 0 || srcCode < 0) return 0;
    writeHeader(this.scratch, destCode, srcCode, 1);
    this.scratch[MessageField.Command] = event;
    return this.write(this.scratch, MESSAGE_HEADER_LENGTH + 1);
  }

  /** The queue handle of a task (NO_QUEUE = 0 when it has none or does not exist). */
  queueOf(task: TaskRef): QueueHandle {
    const t = this.lookup(task);
    return t === undefined ? NO_QUEUE : t.context.queue;
  }

  // ---- running ------------------------------------------------------------------------

  private readonly onWake = (): void => {
    const tick = this.wakeTick;
    this.wakeTimer = undefined;
    this.wakeTick = undefined;
    this.wakeAt = Number.NaN;
    // The clock fired for this tick; trust that over float rounding of (now - start) / tickMs.
    if (tick !== undefined && tick > this.lastTick) this.lastTick = tick;
    this.run();
  };

  /** One run: fire due timers, then passes over the table while tasks are activated. */
  private run(): void {
    if (this.running || this.stopped || !this.started) return;
    this.running = true;
    try {
      const tick = this.systemTick();
      this.fireTimers(tick);
      let passes = 0;
      do {
        passes++;
        this.stats.passes++;
        const tasks = this.tasks;
        for (let i = 0, n = tasks.length; i < n; i++) {
          const t = tasks[i];
          if ((t.state & RUNNABLE) !== 0) this.runTask(t);
        }
        // A task activated by a later task (or by itself) runs in the next pass; past the
        // limit the run yields to the clock (reschedule() asks for "now") so that a task
        // that keeps re-activating itself cannot starve the clock's other timers.
      } while (passes < this.maxPasses && this.anyActivated());
      this.lastRunTick = tick;
    } finally {
      this.running = false;
    }
    this.reschedule();
  }

  /** The tick interrupt's work (fnRtmkSystemTick) for every tick up to `tick`. */
  private fireTimers(tick: number): void {
    const tasks = this.tasks;
    for (let i = 0, n = tasks.length; i < n; i++) {
      const t = tasks[i];
      if (!t.timerEnabled || t.timerDue > tick) continue;
      if ((t.state & TaskState.Suspended) === 0) {
        if ((t.state & TaskState.Polling) === 0) t.state = TaskState.Activate;
        t.pendingEvent = t.timerEvent;
      }
      if (t.period !== 0) {
        t.timerDue += t.period;
        // A late wake-up (real clock) fires once and skips the missed periods.
        if (t.timerDue <= tick) t.timerDue += t.period * Math.ceil((tick - t.timerDue + 1) / t.period);
      } else {
        t.timerEnabled = false;
      }
    }
    // Global timers: simultaneous firings in due order, then slot order; bounded by the slot count.
    for (let n = 0; n < GLOBAL_TIMER_SLOTS; n++) {
      const firing = this.globalTimers.takeNextDue(tick);
      if (firing === undefined) break;
      writeHeader(this.scratch, firing.owner, MessageSource.Timer, firing.event);
      this.write(this.scratch, MESSAGE_HEADER_LENGTH);
    }
  }

  private runTask(t: TaskRecord): void {
    // µTasker's rule: GO tasks without a period keep running; all others are handled here.
    if (t.period !== 0 || (t.state & TaskState.Go) === 0) {
      if (t.pendingEvent !== 0) {
        const event = t.pendingEvent;
        t.pendingEvent = 0;
        if (t.queue !== undefined) {
          writeHeader(this.scratch, t.code, MessageSource.Timer, event);
          this.write(this.scratch, MESSAGE_HEADER_LENGTH);
        }
      }
      if ((t.state & (TaskState.Suspended | TaskState.Polling)) === 0) {
        t.state = TaskState.Stop; // so that an activation runs the task once
      } else {
        // µTasker would leave ACTIVATE set here and run the task on every pass forever.
        t.state &= ~TaskState.Activate;
      }
    }
    this.stats.taskRuns[t.id]++;
    try {
      t.fn(t.context);
    } catch (e) {
      this.stats.taskErrors++;
      this.note('error', `task '${t.id}' threw: ${describe(e)}`);
    }
  }

  private activate(t: TaskRecord): void {
    if ((t.state & TaskState.Polling) !== 0) return;
    t.state = TaskState.Activate;
    this.reschedule();
  }

  private anyActivated(): boolean {
    // The length read once: on XS an array's length is an accessor call.
    const tasks = this.tasks;
    for (let i = 0, n = tasks.length; i < n; i++) if ((tasks[i].state & TaskState.Activate) !== 0) return true;
    return false;
  }

  /** Sets the one clock timer for the earliest thing due, or none when idle. Not during a run. */
  private reschedule(): void {
    if (!this.started || this.stopped || this.running) return;
    let at: number;
    let atTick: number | undefined;
    if (this.anyActivated()) {
      at = this.clock.now();
    } else {
      let earliest = Number.POSITIVE_INFINITY;
      const tasks = this.tasks;
      for (let i = 0, n = tasks.length; i < n; i++) {
        const t = tasks[i];
        // µTasker runs GO/POLLING tasks in every loop; here they ask for one run per tick,
        // so that a real clock is not kept busy (a documented difference).
        if ((t.state & (TaskState.Go | TaskState.Polling)) !== 0 && this.lastRunTick + 1 < earliest) earliest = this.lastRunTick + 1;
        if (t.timerEnabled && t.timerDue < earliest) earliest = t.timerDue;
      }
      const globalDue = this.globalTimers.nextDue();
      if (globalDue !== undefined && globalDue < earliest) earliest = globalDue;
      if (earliest === Number.POSITIVE_INFINITY) {
        this.cancelWake();
        return;
      }
      atTick = earliest;
      at = this.startTime + earliest * this.tickMs;
    }
    if (this.wakeTimer !== undefined && this.wakeAt === at) {
      if (atTick !== undefined) this.wakeTick = atTick;
      return;
    }
    this.cancelWake();
    this.wakeAt = at;
    this.wakeTick = atTick;
    this.wakeTimer = this.clock.setTimer(at, this.onWake);
  }

  private cancelWake(): void {
    if (this.wakeTimer !== undefined) this.clock.clearTimer(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeTick = undefined;
    this.wakeAt = Number.NaN;
  }

  // ---- table and helpers ----------------------------------------------------------------

  private addTask(def: TaskDefinition): void {
    const code = typeof def.name === 'string' && def.name.length > 0 ? def.name.charCodeAt(0) : -1;
    if (code <= 0 || code > 0xff) throw new RangeError(`Scheduler: task name must start with a character 0x01..0xff, got ${JSON.stringify(def.name)}`);
    const id = def.name[0];
    if (this.byCode[code] !== undefined) throw new RangeError(`Scheduler: two tasks named '${id}...' (tasks are identified by their first character)`);
    if (typeof def.fn !== 'function') throw new TypeError(`Scheduler: task '${id}' has no function`);
    const queueSize = toTicks(def.queueSize);
    const startDelay = toTicks(def.startDelay);
    const period = toTicks(def.period);
    if (queueSize === undefined || startDelay === undefined || period === undefined || !isByte(def.initialState)) {
      throw new RangeError(`Scheduler: task '${id}' needs non-negative queueSize/startDelay/period and a state byte`);
    }
    let queue: ByteQueue | undefined;
    let handle = NO_QUEUE;
    if (queueSize > 0) {
      queue = new ByteQueue(queueSize);
      this.queues.push(queue);
      handle = this.queues.length;
    }
    // The first firing, counted from tick 0 at start(): the start delay, else the period.
    const firstDue = startDelay === RESERVE_MONO_TIMER ? 0 : startDelay !== 0 ? startDelay : period;
    const t: TaskRecord = {
      id,
      code,
      fn: def.fn,
      queue,
      context: { name: def.name, id, queue: handle },
      hasTimer: startDelay !== 0 || period !== 0,
      state: def.initialState,
      period,
      timerEnabled: firstDue !== 0,
      timerDue: firstDue,
      timerEvent: 0,
      pendingEvent: 0,
    };
    this.tasks.push(t);
    this.byCode[code] = t;
    this.stats.taskRuns[id] = 0;
  }

  private lookup(task: TaskRef): TaskRecord | undefined {
    const code = taskCode(task);
    return code > 0 ? this.byCode[code] : undefined;
  }

  private undeliverable(reason: string): number {
    this.stats.undeliverable++;
    this.note('warn', reason);
    return 0;
  }

  private note(level: LogLevel, message: string): void {
    try {
      this.log(level, `sched: ${message}`);
    } catch {
      // A broken log sink must not stop the scheduler.
    }
  }
}

/**
 * A task's character code (0..0xff), or -1 when `task` names none. A code is checked
 * first and without `typeof`: the stack's own calls pass codes on every frame, and on our
 * XS host a string literal is copied into a new chunk each time it is evaluated and a
 * method called on a string primitive wraps it in a new object.
 */
function taskCode(task: TaskRef): number {
  if (Number.isInteger(task)) return (task as number) >= 0 && (task as number) <= 0xff ? task as number : -1;
  if (typeof task !== 'string') return -1;
  const code = task.length > 0 ? task.charCodeAt(0) : -1;
  return code <= 0xff ? code : -1;
}

/** An integer 0..0xff (Number.isInteger is false for anything but a number). */
function isByte(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xff;
}

/** Whole ticks from a count that may carry float noise (0.05 * SEC); undefined when invalid. */
function toTicks(value: unknown): number | undefined {
  // Number.isFinite is false for anything but a number: no typeof (see taskCode).
  if (!Number.isFinite(value) || (value as number) < 0) return undefined;
  return Math.floor((value as number) + 1e-9);
}

function describe(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    return 'an unprintable value';
  }
}
