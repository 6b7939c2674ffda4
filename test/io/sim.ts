/**
 * Two boards on the simulated LAN (test/apps/sim.ts) with the ECMA-419 socket modules
 * given one of them, and helpers to run the virtual clock and make test data.
 */
import { boards, runUntil, type BoardsOptions } from '../apps/sim.js';
import { provideStack } from '../../src/io/provider.js';
import type { SocketHubOptions } from '../../src/io/socket/hub.js';
import type { Stack } from '../../src/stack.js';
import { TCP_STATE_FREE } from '../../src/api/tcp.js';

export { runUntil, SERVER_IP, CLIENT_IP } from '../apps/sim.js';

/** Boards whose `ecma` side (client or server) the ECMA-419 classes use; logs collected. */
export function ecmaBoards(ecma: 'client' | 'server', options: BoardsOptions & { hub?: SocketHubOptions } = {}) {
  const b = boards(options);
  const errors: string[] = [];
  const stack = b[ecma];
  const withdraw = provideStack({ api: stack.api, clock: stack.clock, log: (level, message) => { if (level === 'error') errors.push(message); } }, options.hub);
  return { ...b, errors, withdraw };
}

/** Sockets of `stack` that are not FREE. */
export function socketsInUse(stack: Stack): number {
  let n = 0;
  for (let s = 0; s < 64; s++) {
    const state = stack.api.fnGetTCP_state(s);
    if (state < 0) break;
    if (state !== TCP_STATE_FREE) n++;
  }
  return n;
}

/** n bytes of a pattern that does not repeat every 256 bytes. */
export function pattern(n: number, salt = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 8) + salt) & 0xff;
  return out;
}

export function concat(chunks: readonly ArrayBuffer[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(new Uint8Array(c), at);
    at += c.byteLength;
  }
  return out;
}
