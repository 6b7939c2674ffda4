/**
 * Two xstcp boards on the simulated LAN with one virtual clock: the server at 198.18.0.2
 * and the client at 198.18.0.1, with optional seeded impairments on both links, and a
 * bounded loop that advances time until a condition holds.
 */
import { SimLan } from '../../hosts/sim/lan.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import type { Impairments } from '../../hosts/sim/impairments.js';
import { SeededRandom } from '../../src/host/random.js';
import { Stack } from '../../src/stack.js';
import type { TcpConfig } from '../../src/net/tcp/config.js';
import { ip, mac } from '../net/helpers.js';

export const SERVER_IP = new Uint8Array([198, 18, 0, 2]);
export const CLIENT_IP = new Uint8Array([198, 18, 0, 1]);
export const SERVER_ADDR = ip('198.18.0.2');
export const CLIENT_ADDR = ip('198.18.0.1');
export const SERVER_MAC = mac('02:00:00:00:00:02');
export const CLIENT_MAC = mac('02:00:00:00:00:01');

export interface BoardsOptions {
  seed?: number;
  /** Impairments of both boards' links (each direction impaired once: on the sender's egress). */
  impairments?: Impairments;
  /** TCP configuration of both boards (e.g. more sockets). */
  tcp?: Partial<TcpConfig>;
}

export function boards(options: BoardsOptions = {}) {
  const seed = options.seed ?? 1;
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed });
  const tcp: Partial<TcpConfig> = { sockets: 16, ...options.tcp };
  const board = (name: string, macAddress: Uint8Array, address: number, n: number) =>
    new Stack({
      mac: lan.attach({ macAddress, name, egress: options.impairments }),
      clock,
      random: new SeededRandom(seed * 31 + n),
      address,
      netmask: ip('255.255.255.0'),
      tcp,
    });
  const client = board('client', CLIENT_MAC, CLIENT_ADDR, 1);
  const server = board('server', SERVER_MAC, SERVER_ADDR, 2);
  client.start();
  server.start();
  return { clock, lan, client, server };
}

/**
 * Advances the virtual clock in `stepMs` steps until `done()` or `limitMs` of virtual
 * time have passed. Returns whether `done()` held.
 */
export function runUntil(clock: VirtualClock, done: () => boolean, limitMs: number, stepMs = 10): boolean {
  const end = clock.now() + limitMs;
  while (!done()) {
    if (clock.now() >= end) return false;
    clock.advance(Math.min(stepMs, end - clock.now()));
  }
  return true;
}
