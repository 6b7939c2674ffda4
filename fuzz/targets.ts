/**
 * The two fuzz targets of issue 11 item 3, as fast-check properties over mutated frames:
 *
 * - `interface`: the server board alone, fed one mutated captured frame after another
 *   (the client's side of the session, rewritten; some aimed at a live connection).
 * - `pair`: the client and the server board talking on the simulated LAN, the server's
 *   frames mutated on their way into the client.
 *
 * After every frame the invariants (invariants.ts) must hold on every board; a frame that
 * makes the stack throw, or breaks one of them, is a finding. `framesRun` counts frames
 * handed to a stack, for the runner's report.
 */
import fc from 'fast-check';
import { VirtualClock } from '../hosts/sim/virtual-clock.js';
import { SimLan } from '../hosts/sim/lan.js';
import { TcpClient } from '../hosts/sim/tcp-client.js';
import { ImpairedMac } from '../hosts/common/impaired-mac.js';
import { ReceiveQueue } from '../hosts/common/frame-queue.js';
import type { MacDriver } from '../src/host/mac.js';
import type { Stack } from '../src/stack.js';
import { TcpState } from '../src/net/tcp/types.js';
import { checkStack, coreOf } from './invariants.js';
import { frameCaseArb, mutateFrame, toHex, type FrameCase, type LiveConnection } from './mutate.js';
import { captureCorpus, clientStack, errorLog, pattern, serverBoard, CLIENT_MAC, SERVER_IP_BYTES, SERVER_MAC, type Corpus } from './session.js';

export const stats = { framesRun: 0, cases: 0, counters: new Map<string, number>() };

/** Adds a finished board's counters to the totals (which drop reasons and paths the frames reached). */
function tally(stack: Stack): void {
  for (const [k, v] of Object.entries(stack.counters.snapshot())) stats.counters.set(k, (stats.counters.get(k) ?? 0) + v);
}

let corpusCache: Corpus | undefined;
export function corpus(): Corpus {
  corpusCache ??= captureCorpus();
  return corpusCache;
}

/** A MAC fed by the fuzzer; what the stack sends is only counted. */
export class FeedMac implements MacDriver {
  readonly macAddress = SERVER_MAC;
  readonly counters = { rxFrames: 0, rxDropped: 0 };
  private readonly rx = new ReceiveQueue(256, this.counters);
  sent = 0;
  transmit(): boolean {
    this.sent++;
    return true;
  }
  receive = (): Uint8Array | undefined => this.rx.take();
  setReceiveNotify = (notify: () => void): void => this.rx.setNotify(notify);
  linkUp = (): boolean => true;
  inject = (frame: Uint8Array): void => this.rx.add(frame);
}

const SYNCHRONIZED = new Set<number>([TcpState.SynReceived, TcpState.Established, TcpState.FinWait1, TcpState.FinWait2, TcpState.Closing, TcpState.CloseWait, TcpState.LastAck, TcpState.TimeWait]);

/** One of the stack's connections (chosen by `pick`), for `near` mutations. */
export function liveConnection(stack: Stack, pick: number): LiveConnection | undefined {
  const live = coreOf(stack).sockets.filter((s) => SYNCHRONIZED.has(s.state));
  if (live.length === 0) return undefined;
  const s = live[pick % live.length];
  return { peerAddress: s.remoteAddr, peerPort: s.remotePort, localPort: s.localPort, rcvNxt: s.rcvNxt, sndNxt: s.sndNxt };
}

/** Throws with every violation and the frame that led to it. */
function assertClean(stack: Stack, label: string, frame: Uint8Array | undefined, errors: string[]): void {
  const v = checkStack(stack, label);
  if (v.length > 0) v.push(...errors);
  if (v.length > 0) throw new Error(`${v.join('\n')}${frame !== undefined ? `\nafter frame ${toHex(frame)}` : ''}`);
}

// ---- target 1: one interface receiving arbitrary frames -----------------------------------

export interface InterfaceInput {
  seed: number;
  frames: FrameCase[];
}

export const interfaceInputArb: fc.Arbitrary<InterfaceInput> = fc.record({
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
  frames: fc.array(frameCaseArb(), { minLength: 1, maxLength: 60 }),
});

/** Runs one case; returns the frames fed (hex), throws on a finding. */
export function runInterface(input: InterfaceInput): string[] {
  const base = corpus().toServer;
  const clock = new VirtualClock(0);
  const mac = new FeedMac();
  const errors: string[] = [];
  const board = serverBoard(mac, clock, input.seed, errorLog(errors));
  const fed: string[] = [];
  stats.cases++;
  try {
    for (const c of input.frames) {
      const frame = mutateFrame(base[c.base % base.length], c, liveConnection(board.stack, c.base));
      fed.push(toHex(frame));
      mac.inject(frame);
      clock.runDue();
      stats.framesRun++;
      assertClean(board.stack, 'server', frame, errors);
      if (c.advanceMs > 0) {
        clock.advance(c.advanceMs);
        assertClean(board.stack, 'server', frame, errors);
      }
    }
  } finally {
    tally(board.stack);
    board.stop();
  }
  return fed;
}

// ---- target 2: a connected pair, one side's frames mutated in flight ---------------------

export interface PairInput {
  seed: number;
  /** Mutations of the server's frames into the client, by their index in that stream. */
  hits: { index: number; frame: FrameCase }[];
  /** Bytes the client sends to the echo service. */
  length: number;
}

export const pairInputArb: fc.Arbitrary<PairInput> = fc.record({
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
  hits: fc.array(fc.record({ index: fc.nat(120), frame: frameCaseArb(3) }), { minLength: 1, maxLength: 12 }),
  length: fc.integer({ min: 1, max: 40_000 }),
});

const PAIR_LIMIT_MS = 10 * 60 * 1000;

/** A mutation that a correct stack must reject whole (one byte change under the checksum, no recomputation). */
function rejectedWhole(c: FrameCase): boolean {
  return !c.fix && c.mutations.length <= 1 && c.mutations.every((m) => m.op === 'byte' || m.op === 'flip' || m.op === 'truncate' || m.op === 'extend');
}

export function runPair(input: PairInput): void {
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed: input.seed });
  const hits = new Map<number, FrameCase>();
  for (const h of input.hits) hits.set(h.index, h.frame);
  const integrity = input.hits.every((h) => rejectedWhole(h.frame));
  let server: ReturnType<typeof serverBoard> | undefined;
  let client: Stack | undefined;
  let last: Uint8Array | undefined;
  const errors: string[] = [];
  const check = () => {
    if (client !== undefined) assertClean(client, 'client', last, errors);
    if (server !== undefined) assertClean(server.stack, 'server', last, errors);
  };
  const mac = new ImpairedMac(lan.attach({ macAddress: CLIENT_MAC, name: 'client' }), {
    clock,
    seed: input.seed,
    mutate: (frame, direction, index) => {
      if (direction !== 'in') return frame;
      check(); // the previous frame has been handled completely
      stats.framesRun++;
      const c = hits.get(index);
      last = c === undefined || client === undefined ? frame : mutateFrame(frame, c, liveConnection(client, c.base));
      return last;
    },
  });
  server = serverBoard(lan.attach({ macAddress: SERVER_MAC, name: 'server' }), clock, input.seed, errorLog(errors));
  client = clientStack(mac, clock, input.seed, errorLog(errors));
  stats.cases++;
  const data = pattern(input.length, input.seed);
  const echo = new TcpClient(client.api, { clock, closeAfterReceiving: input.length });
  try {
    echo.connect(SERVER_IP_BYTES, 7);
    echo.send(data);
    while (clock.now() < PAIR_LIMIT_MS && !echo.finished) {
      clock.advance(100);
      check();
    }
    clock.advance(30_000); // TIME_WAIT and stray frames
    check();
    if (integrity) {
      const got = echo.data();
      const n = Math.min(got.length, data.length);
      for (let i = 0; i < n; i++) if (got[i] !== data[i]) throw new Error(`echo byte ${i} is ${got[i]}, sent ${data[i]} (frames with a bad checksum were delivered)`);
      if (got.length > data.length) throw new Error(`echo returned ${got.length} bytes of ${data.length}`);
      if (echo.closed && !echo.aborted && got.length !== data.length) throw new Error(`closed cleanly with ${got.length} of ${data.length} bytes`);
    }
  } finally {
    tally(server.stack);
    tally(client);
    server.stop();
    client.stop();
  }
}

export const interfaceProperty = () => fc.property(interfaceInputArb, (i) => void runInterface(i));
export const pairProperty = () => fc.property(pairInputArb, (i) => runPair(i));
