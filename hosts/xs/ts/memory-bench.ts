/// <reference path="../types/xs-host.d.ts" />
/**
 * Memory cost of the stack on XS, measured on the simulated LAN (virtual clock, so the
 * numbers do not depend on timing): bytes per socket in the pool, per listening socket,
 * and per established idle connection. Bytes are XS's own accounting after a full
 * collection: chunk bytes + slots × slot size (xsHost.memory()).
 *
 *   xstcp-xs dist/hosts/xs/ts/memory-bench.js [--sockets N]
 *
 * Prints one JSON object on stdout (for `npm run bench`).
 */
import { Stack } from '../../../src/stack.js';
import { SeededRandom } from '../../../src/host/random.js';
import { parseIpv4Address } from '../../../src/net/wire/ipv4-address.js';
import { parseMac } from '../../../src/net/wire/ethernet.js';
import { APP_ACCEPT, INFINITE_TIMEOUT, TCP_DEF_MTU, TCP_STATE_ESTABLISHED, TOS_NORMAL_SERVICE } from '../../../src/api/tcp.js';
import { SimLan } from '../../sim/lan.js';
import { VirtualClock } from '../../sim/virtual-clock.js';
import { installXsAccelerators } from './accelerators.js';

const addr = (s: string) => parseIpv4Address(s)!;
const PORT = 5000;

/** Bytes in use after a full collection. */
function bytesInUse(): number {
  xsHost.gc();
  const m = xsHost.memory();
  return m.chunks + m.slots * m.slotSize;
}

function makeStack(lan: SimLan, clock: VirtualClock, n: number, sockets: number): Stack {
  const stack = new Stack({
    mac: lan.attach({ macAddress: parseMac(`02:00:00:00:00:0${n}`)!, name: `board${n}` }),
    clock,
    random: new SeededRandom(n),
    address: addr(`198.18.0.${n}`),
    netmask: addr('255.255.255.0'),
    tcp: { sockets },
  });
  stack.start();
  return stack;
}

const accept = () => APP_ACCEPT;

/** Bytes one more pool socket costs: two stacks that differ only in pool size. */
function perPoolSocket(count: number): number {
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed: 1 });
  const before = bytesInUse();
  const small = makeStack(lan, clock, 1, 1);
  const mid = bytesInUse();
  const large = makeStack(lan, clock, 2, 1 + count);
  const after = bytesInUse();
  small.stop();
  large.stop();
  // (after - mid) is a stack with 1 + count sockets, (mid - before) one with 1.
  return (after - mid - (mid - before)) / count;
}

interface ConnectionFigures {
  listeningSocket: number;
  establishedBothEnds: number;
  established: number;
}

function connections(count: number): ConnectionFigures | string {
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed: 1 });
  const server = makeStack(lan, clock, 2, count);
  const client = makeStack(lan, clock, 1, count);
  return makeConnected(server, client, count, clock);
}

function makeConnected(server: Stack, client: Stack, count: number, clock: VirtualClock): ConnectionFigures | string {
  // Deliver the start-up frames (gratuitous ARP) first: frames in flight at the baseline
  // and gone later would count against the connections.
  clock.advance(1000);
  const base = bytesInUse();
  for (let i = 0; i < count; i++) {
    const s = server.api.fnGetTCP_Socket(TOS_NORMAL_SERVICE, INFINITE_TIMEOUT, accept);
    if (s < 0 || server.api.fnTCP_Listen(s, PORT, TCP_DEF_MTU) < 0) return `listen ${i} failed (${s})`;
  }
  const listening = bytesInUse();
  const clientSockets: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = client.api.fnGetTCP_Socket(TOS_NORMAL_SERVICE, INFINITE_TIMEOUT, accept);
    if (s < 0) return `client socket ${i} failed (${s})`;
    clientSockets.push(s);
  }
  const reserved = bytesInUse();
  const serverAddress = new Uint8Array([198, 18, 0, 2]);
  for (const s of clientSockets) client.api.fnTCP_Connect(s, serverAddress, PORT, 0, TCP_DEF_MTU);
  for (let step = 0; step < 100 && !clientSockets.every((s) => client.api.fnGetTCP_state(s) === TCP_STATE_ESTABLISHED); step++) clock.advance(100);
  if (!clientSockets.every((s) => client.api.fnGetTCP_state(s) === TCP_STATE_ESTABLISHED)) return 'connections did not establish';
  clock.advance(1000); // let delayed ACKs and ARP settle
  const established = bytesInUse();
  server.stop();
  client.stop();
  return {
    listeningSocket: (listening - base) / count,
    establishedBothEnds: (established - reserved) / count,
    established: (established - reserved) / count / 2,
  };
}

function main(args: readonly string[]): void {
  const i = args.indexOf('--sockets');
  const count = i >= 0 ? Number(args[i + 1]) : 32;
  if (!Number.isInteger(count) || count < 1 || count > 60) {
    xsHost.writeError('memory-bench: --sockets must be 1..60\n');
    xsHost.exit(2);
    return;
  }
  installXsAccelerators();
  const m = xsHost.memory();
  const pool = perPoolSocket(count);
  const c = connections(count);
  if (typeof c === 'string') {
    xsHost.writeError(`memory-bench: ${c}\n`);
    xsHost.exit(1);
    return;
  }
  const round = (x: number) => Math.round(x);
  xsHost.write(
    `${JSON.stringify({
      engine: 'xs',
      sockets: count,
      slotSize: m.slotSize,
      bytesPerPoolSocket: round(pool),
      bytesPerListeningSocket: round(c.listeningSocket),
      bytesPerEstablishedConnection: round(c.established),
      bytesPerEstablishedConnectionBothEnds: round(c.establishedBothEnds),
      peakBytes: xsHost.memory().chunksPeak + xsHost.memory().slotsPeak * m.slotSize,
    })}\n`,
  );
}

main(xsHost.args);
