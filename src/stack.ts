/**
 * One board's network stack: the scheduler with µTasker's Ethernet, ARP and TCP tasks,
 * the interface layer and TCP, wired to the host's MAC, clock and random source.
 * Several stacks can live in one JS realm (the simulated LAN runs many).
 */
import type { Clock } from './host/clock.js';
import type { MacDriver } from './host/mac.js';
import type { RandomSource } from './host/random.js';
import type { LogSink } from './host/log.js';
import { silentLog } from './host/log.js';
import { Scheduler } from './sched/scheduler.js';
import { RESERVE_MONO_TIMER, TaskState, type TaskDefinition } from './sched/types.js';
import { NetInterface } from './net/interface.js';
import { TASK_ARP, TASK_ETHERNET } from './net/tasks.js';
import type { ArpConfig } from './net/arp-cache.js';
import { Counters } from './net/counters.js';
import { IPPROTO_TCP } from './net/wire/ipv4.js';
import { TcpStack } from './net/tcp/stack.js';
import type { TcpConfig } from './net/tcp/config.js';
import { bindScheduler, MEDIUM_QUEUE, TASK_TCP, type UTaskerScheduler } from './api/scheduler.js';
import { bindTcp, type UTaskerTcp } from './api/tcp.js';


export interface StackOptions {
  mac: MacDriver;
  clock: Clock;
  random: RandomSource;
  log?: LogSink;
  /** Our IPv4 address, netmask and optional default gateway (u32 numbers). */
  address: number;
  netmask: number;
  gateway?: number;
  /** Scheduler tick in ms (µTasker's TICK_RESOLUTION, default 50). */
  tickMs?: number;
  /** ETHERNET_RELEASE_LIMIT (default 3). */
  releaseLimit?: number;
  arp?: Partial<ArpConfig>;
  /** TCP configuration (see `tcpConfig` in src/api/tcp.ts for µTasker's names). */
  tcp?: Partial<TcpConfig>;
  /** Application tasks, run after the stack's own tasks in table order. */
  tasks?: TaskDefinition[];
}

/** µTasker's scheduler and TCP functions, bound to one stack. */
export type UTaskerApi = UTaskerScheduler & UTaskerTcp;

export class Stack {
  readonly scheduler: Scheduler;
  readonly net: NetInterface;
  readonly tcp: TcpStack;
  /** µTasker's functions for this stack: `const { fnTCP_Listen, uTaskerMonoTimer } = stack.api`. */
  readonly api: UTaskerApi;
  readonly counters = new Counters();
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly log: LogSink;

  constructor(options: StackOptions) {
    this.clock = options.clock;
    this.random = options.random;
    this.log = options.log ?? silentLog;
    // The task table in µTasker's order: Ethernet, ARP, TCP, then the application.
    const table: TaskDefinition[] = [
      { name: 'Eth', fn: () => this.net.ethernetTask(), queueSize: 0, startDelay: 0, period: 0, initialState: TaskState.Stop },
      { name: 'ARP', fn: (task) => this.net.arpTask(task), queueSize: MEDIUM_QUEUE, startDelay: RESERVE_MONO_TIMER, period: 0, initialState: TaskState.Stop },
      { name: 'TCP', fn: (task) => this.tcp.task(task), queueSize: MEDIUM_QUEUE, startDelay: RESERVE_MONO_TIMER, period: 0, initialState: TaskState.Stop },
      ...(options.tasks ?? []),
    ];
    this.scheduler = new Scheduler(table, { clock: options.clock, tickMs: options.tickMs, log: this.log });
    this.net = new NetInterface({
      mac: options.mac,
      scheduler: this.scheduler,
      clock: options.clock,
      log: this.log,
      counters: this.counters,
      address: options.address,
      netmask: options.netmask,
      gateway: options.gateway,
      arp: options.arp,
      releaseLimit: options.releaseLimit,
    });
    this.tcp = new TcpStack({
      network: this.net,
      scheduler: this.scheduler,
      clock: options.clock,
      random: options.random,
      log: this.log,
      config: options.tcp,
      counters: this.counters,
    });
    this.net.setProtocolHandler(IPPROTO_TCP, (packet) => this.tcp.input(packet));
    this.api = { ...bindScheduler(this.scheduler), ...bindTcp(this.tcp) };
  }

  /** Starts the scheduler and brings the interface up (gratuitous ARP). */
  start(): void {
    this.scheduler.start();
    this.net.start();
  }

  /** Stops all timers of this stack; nothing runs afterwards. */
  stop(): void {
    this.scheduler.stop();
  }
}

export { TASK_ARP, TASK_ETHERNET, TASK_TCP };
