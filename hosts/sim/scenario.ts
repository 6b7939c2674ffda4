/**
 * A complete, deterministic simulation: a board serving HTTP, echo, discard and chargen
 * and a client board using them over a LAN with seeded impairments, with closes from both
 * sides. It returns the capture and both boards' traces, so the same seed can be run on V8
 * and on XS and compared byte for byte; the benchmarks and the simulated demo run it too.
 */
import { SeededRandom } from '../../src/host/random.js';
import { parseMac } from '../../src/net/wire/ethernet.js';
import { PATTERN_MODULUS } from '../../src/apps/http-response.js';
import { chargenByte } from '../../src/apps/chargen.js';
import { PcapBuffer } from '../common/pcap.js';
import { startBoard, type Board } from '../common/board.js';
import { SimLan } from './lan.js';
import { VirtualClock } from './virtual-clock.js';
import type { Impairments } from './impairments.js';
import { TcpClient, httpGet, parseHttpResponse, bytesSource } from './tcp-client.js';

export interface ScenarioOptions {
  seed: number;
  impairments?: Impairments;
  /** Bytes of each transfer (default 100 000). */
  size?: number;
  /** Virtual time allowed for each step (default 120 s). */
  stepLimitMs?: number;
}

export interface StepResult {
  name: string;
  ok: boolean;
  bytes: number;
  /** Virtual time the step took. */
  ms: number;
  detail?: string;
}

export interface ScenarioResult {
  pcap: Uint8Array;
  /** Both boards' traces, prefixed "server " / "client ". */
  trace: string[];
  steps: StepResult[];
  /** Virtual time at the end. */
  endMs: number;
}

const SERVER_IP = new Uint8Array([198, 18, 0, 2]);

function runUntil(clock: VirtualClock, done: () => boolean, limitMs: number): boolean {
  const end = clock.now() + limitMs;
  while (!done()) {
    if (clock.now() >= end) return false;
    clock.advance(Math.min(10, end - clock.now()));
  }
  return true;
}

export function runScenario(o: ScenarioOptions): ScenarioResult {
  const size = o.size ?? 100_000;
  const limit = o.stepLimitMs ?? 120_000;
  const impairments = o.impairments ?? { loss: 0.02, duplicate: 0.01, reorder: 0.02, delayMs: 1, jitterMs: 1 };
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed: o.seed });
  const pcap = new PcapBuffer();
  lan.observe((e) => {
    if (e.kind === 'delivered') pcap.add(e.timeMs, e.frame);
  });
  const trace: string[] = [];
  const board = (name: string, n: number, apps: ('http' | 'echo' | 'discard' | 'chargen')[]): Board =>
    startBoard({
      mac: lan.attach({ macAddress: parseMac(`02:00:00:00:00:0${n}`)!, name, egress: impairments }),
      clock,
      random: new SeededRandom(o.seed * 31 + n),
      address: (0xc6120000 + n) >>> 0,
      netmask: 0xffffff00,
      apps,
      mslSeconds: 2,
      trace: (line) => trace.push(`${name} ${line}`),
    });
  const server = board('server', 2, ['http', 'echo', 'discard', 'chargen']);
  const client = board('client', 1, []);
  const api = client.stack.api;
  const steps: StepResult[] = [];

  const step = (name: string, run: () => { client: TcpClient; check: () => StepResult['detail'] | undefined; bytes: () => number }) => {
    const start = clock.now();
    const s = run();
    const finished = runUntil(clock, () => s.client.finished, limit);
    const problem = finished ? s.check() : `not finished after ${limit} ms (state ${s.client.state()})`;
    steps.push({ name, ok: problem === undefined, bytes: s.bytes(), ms: clock.now() - start, detail: problem });
    s.client.release();
  };

  step('GET /', () => {
    const c = httpGet(api, clock, SERVER_IP, '/');
    return { client: c, bytes: () => c.received, check: () => (parseHttpResponse(c.data()).status === 200 ? undefined : 'status not 200') };
  });
  step(`GET /bytes/${size}`, () => {
    let bad = -1;
    let bodyAt = -1;
    const c = httpGet(api, clock, SERVER_IP, `/bytes/${size}`, { keep: false, onData: (chunk, offset) => {
      // The body follows the blank line of the header; check every body byte as it arrives.
      for (let i = 0; i < chunk.length; i++) {
        const at = offset + i;
        if (bodyAt < 0) {
          if (at >= 3 && chunk[i] === 10 && headerTail.join(',') === '13,10,13') bodyAt = at + 1;
          headerTail.push(chunk[i]);
          if (headerTail.length > 3) headerTail.shift();
        } else if (chunk[i] !== (at - bodyAt) % PATTERN_MODULUS && bad < 0) bad = at - bodyAt;
      }
    } });
    const headerTail: number[] = [];
    return {
      client: c,
      bytes: () => c.received,
      check: () => (bodyAt < 0 ? 'no body' : bad >= 0 ? `body byte ${bad} wrong` : c.received - bodyAt !== size ? `body of ${c.received - bodyAt} bytes` : undefined),
    };
  });
  step(`echo ${size}`, () => {
    const data = new Uint8Array(size).map((_, i) => (i * 7 + 3) & 0xff);
    const c = new TcpClient(api, { clock, closeAfterReceiving: size });
    c.connect(SERVER_IP, 7);
    c.send(bytesSource(data));
    return {
      client: c,
      bytes: () => c.received,
      check: () => {
        const got = c.data();
        if (got.length !== size) return `echoed ${got.length} bytes`;
        for (let i = 0; i < size; i++) if (got[i] !== data[i]) return `byte ${i} differs`;
        return undefined;
      },
    };
  });
  step(`discard ${size}`, () => {
    const c = new TcpClient(api, { clock, closeWhenSent: true });
    c.connect(SERVER_IP, 9);
    c.send({ length: size, copy: (offset, out, at, n) => { for (let i = 0; i < n; i++) out[at + i] = (offset + i) & 0xff; } });
    return { client: c, bytes: () => size, check: () => (c.aborted ? 'aborted' : undefined) };
  });
  step(`chargen ${size}`, () => {
    let bad = -1;
    const c = new TcpClient(api, { clock, keep: false, closeAfterReceiving: size, onData: (chunk, offset) => {
      for (let i = 0; i < chunk.length && bad < 0; i++) if (chunk[i] !== chargenByte(offset + i)) bad = offset + i;
    } });
    c.connect(SERVER_IP, 19);
    return { client: c, bytes: () => c.received, check: () => (bad >= 0 ? `byte ${bad} wrong` : c.received < size ? `only ${c.received} bytes` : undefined) };
  });
  // Let TIME_WAIT (2×MSL = 4 s here) run out so both boards end idle.
  clock.advance(5000);
  server.stop();
  client.stop();
  return { pcap: pcap.toBytes(), trace, steps, endMs: clock.now() };
}
