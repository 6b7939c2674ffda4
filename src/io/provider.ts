/**
 * Which stack the ECMA-419 socket modules (`embedded:io/socket/tcp`, `.../listener`) run
 * on. A module specifier cannot carry a stack, so the board registers its stack here
 * before the application runs, as Moddable's runtime has its network up before `main`.
 * Sockets created afterwards use the stack registered at their construction.
 */
import type { LogSink } from '../host/log.js';
import type { Clock } from '../host/clock.js';
import type { UTaskerTcp } from '../api/tcp.js';
import { SocketHub, type SocketHubOptions } from './socket/hub.js';

/** What the socket classes need of a stack (a `Stack` has all of it). */
export interface SocketStack {
  readonly api: UTaskerTcp;
  readonly clock: Clock;
  readonly log: LogSink;
}

let current: SocketHub | undefined;

/**
 * Makes `stack` the one new ECMA-419 sockets use. Returns a function that withdraws it
 * again (when it is still the current one); sockets already open keep working.
 */
export function provideStack(stack: SocketStack, options: SocketHubOptions = {}): () => void {
  const hub = new SocketHub(stack, options);
  current = hub;
  return () => {
    if (current === hub) current = undefined;
  };
}

/** The hub of the registered stack; throws when the board has not registered one. */
export function currentHub(): SocketHub {
  if (current === undefined) throw new Error('no network: the board has not provided a stack (provideStack)');
  return current;
}
