/**
 * A board: one stack with its applications, on whatever MAC, clock and random source the
 * host provides. The Node CLI, the XS host and the simulations all run boards through
 * this module, so `--trace` and the apps behave the same on every engine.
 */
import type { Clock } from '../../src/host/clock.js';
import type { MacDriver } from '../../src/host/mac.js';
import type { RandomSource } from '../../src/host/random.js';
import type { LogSink } from '../../src/host/log.js';
import { Stack } from '../../src/stack.js';
import type { TcpConfig } from '../../src/net/tcp/config.js';
import { tcpEventName, tcpStateName } from '../../src/api/tcp.js';
import { startChargen, startDiscard, startEcho, startHttp, NO_OF_HTTP_SESSIONS, DEFAULT_SERVICE_SOCKETS } from '../../src/apps/index.js';
import { provideStack } from '../../src/io/provider.js';

/** `ecma419-echo` is examples/ecma419-echo.ts, an application written against the ECMA-419 socket modules. */
export const BOARD_APPS = ['http', 'echo', 'discard', 'chargen', 'ecma419-echo'] as const;
/** Sockets of the ECMA-419 echo: its Listener's backlog (2) and two connections. */
const ECMA419_ECHO_SOCKETS = 4;
export type BoardApp = (typeof BOARD_APPS)[number];

export interface BoardOptions {
  mac: MacDriver;
  clock: Clock;
  random: RandomSource;
  log?: LogSink;
  address: number;
  netmask: number;
  gateway?: number;
  apps: readonly BoardApp[];
  /** Socket pool size (NO_OF_TCPSOCKETS); default: what the apps need plus 4 for outgoing connections. */
  sockets?: number;
  /** MSL in seconds (TIME_WAIT lasts 2×MSL, FIN_WAIT_2 gives up after MSL). */
  mslSeconds?: number;
  reuseTimeWait?: boolean;
  /** Receives one JSON line per socket state change and per listener event. */
  trace?: (line: string) => void;
  tcp?: Partial<TcpConfig>;
  /**
   * Receive window of echo, discard and chargen in bytes (`--window`); above 65 535 it also
   * becomes the stack's maxReceiveWindow, announced with window scaling (RFC 7323), and the
   * services keep THROUGHPUT_IN_FLIGHT bytes in flight.
   */
  receiveWindow?: number;
  title?: string;
}

export interface Board {
  readonly stack: Stack;
  /** Settles once every app listens (the ECMA-419 app is loaded as a module: its specifiers need the host's mapping). */
  readonly ready: Promise<void>;
  /** Stops the applications and the stack's timers. */
  stop(): void;
}

/**
 * Bytes in flight of echo's and chargen's transmit buffers and of the HTTP server's blocks
 * when `receiveWindow` asks for window scaling: whole segments up to 64 KiB, what lwIP's
 * TCP_SND_BUF holds in the unix port the benchmarks compare with. Fewer (the services'
 * defaults) and one round trip through the TAP device bounds the rate.
 */
export const THROUGHPUT_SEGMENTS = Math.floor(0xffff / 1460);
const THROUGHPUT_IN_FLIGHT = THROUGHPUT_SEGMENTS * 1460;

/** Sockets each app takes. */
export function socketsNeeded(apps: readonly BoardApp[]): number {
  return apps.reduce((n, app) => n + (app === 'http' ? NO_OF_HTTP_SESSIONS : app === 'ecma419-echo' ? ECMA419_ECHO_SOCKETS : DEFAULT_SERVICE_SOCKETS), 0);
}

/** Starts a board; throws RangeError when the options cannot work (e.g. too few sockets). */
export function startBoard(o: BoardOptions): Board {
  const needed = socketsNeeded(o.apps);
  const sockets = o.sockets ?? Math.max(8, needed + 4);
  if (sockets < needed) throw new RangeError(`the apps ${o.apps.join(',')} need ${needed} sockets, --sockets is ${sockets}`);
  if (o.apps.includes('echo') && o.apps.includes('ecma419-echo')) throw new RangeError('the apps echo and ecma419-echo both serve port 7: choose one');
  const tcp: Partial<TcpConfig> = { ...o.tcp, sockets };
  if (o.mslSeconds !== undefined) {
    tcp.mslMs = o.mslSeconds * 1000;
  }
  if (o.reuseTimeWait !== undefined) tcp.reuseTimeWaitSockets = o.reuseTimeWait;
  const window = o.receiveWindow;
  const scaled = window !== undefined && window > 0xffff;
  if (scaled) tcp.maxReceiveWindow = window;
  const bufferSize = scaled ? THROUGHPUT_IN_FLIGHT : undefined;

  const stack = new Stack({ mac: o.mac, clock: o.clock, random: o.random, log: o.log, address: o.address, netmask: o.netmask, gateway: o.gateway, tcp });
  const start = o.clock.now();
  const trace = o.trace;
  if (trace) {
    const t = () => Math.round(o.clock.now() - start);
    stack.tcp.setObserver({
      stateChanged: (socket, from, to) => trace(`{"t":${t()},"socket":${socket},"from":"${tcpStateName(from)}","to":"${tcpStateName(to)}"}`),
      event: (socket, event, state) => trace(`{"t":${t()},"socket":${socket},"event":"${tcpEventName(event)}","state":"${tcpStateName(state)}"}`),
    });
  }
  stack.start();
  const api = stack.api;
  const handles: { stop(): void }[] = [];
  for (const app of o.apps) {
    if (app === 'http') handles.push(startHttp(api, { board: stack.tcp, title: o.title, windowBlocks: scaled ? THROUGHPUT_SEGMENTS : undefined }));
    else if (app === 'echo') handles.push(startEcho(api, { maxWindow: window, bufferSize }));
    else if (app === 'discard') handles.push(startDiscard(api, { maxWindow: window }));
    else if (app === 'chargen') handles.push(startChargen(api, { maxWindow: window, bufferSize }));
  }
  let stopped = false;
  let ready: Promise<void> = Promise.resolve();
  if (o.apps.includes('ecma419-echo')) {
    // The ECMA-419 sockets use the stack provided before the app starts, as on Moddable.
    handles.push({ stop: provideStack(stack) });
    ready = import('../../examples/ecma419-echo.js').then((m) => {
      if (stopped) return;
      const echo = m.startEcma419Echo();
      handles.unshift({ stop: () => echo.close() });
    });
  }
  return {
    stack,
    ready,
    stop() {
      stopped = true;
      for (const h of handles) h.stop();
      stack.stop();
    },
  };
}
