/** Stack-level benchmarks on the simulated LAN: CPU cost per frame through the whole stack. */
import { SeededRandom } from '../src/host/random.js';
import { Stack } from '../src/stack.js';
import { parseMac } from '../src/net/wire/ethernet.js';
import { SimLan } from '../hosts/sim/lan.js';
import { VirtualClock } from '../hosts/sim/virtual-clock.js';
import { measure, row } from './harness.js';
import { runScenario } from '../hosts/sim/scenario.js';

function lanWithPorts(boards: boolean) {
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed: 1 });
  const macA = lan.attach({ macAddress: parseMac('02:00:00:00:00:01')! });
  const macB = lan.attach({ macAddress: parseMac('02:00:00:00:00:02')! });
  if (!boards) return { clock, macA, macB, a: undefined, b: undefined };
  const mk = (mac: typeof macA, n: number) =>
    new Stack({ mac, clock, random: new SeededRandom(n), address: 0xc6120000 + n, netmask: 0xffffff00 });
  const a = mk(macA, 1);
  const b = mk(macB, 2);
  a.start();
  b.start();
  return { clock, macA, macB, a, b };
}

export function runSimBenchmarks(): string[] {
  const ROUNDS = 5000;
  // Baseline: the simulated LAN alone moving the same number of frames, no stack.
  const bare = measure('sim LAN: frame round trip', ' rt', () => {
    const { clock, macA, macB } = lanWithPorts(false);
    const frame = new Uint8Array(74);
    frame.set(parseMac('02:00:00:00:00:02')!, 0);
    for (let i = 0; i < ROUNDS; i++) {
      macA.transmit(frame);
      clock.advance(1);
      const got = macB.receive();
      if (got) macB.transmit(got);
      clock.advance(1);
      macA.receive();
    }
    return ROUNDS;
  });
  const ping = measure('ping round trip through two stacks', ' rt', () => {
    const { clock, a, b } = lanWithPorts(true);
    let replies = 0;
    a!.net.onEchoReply(() => replies++);
    const payload = new Uint8Array(32);
    for (let i = 0; i < ROUNDS; i++) {
      a!.net.ping(b!.net.localAddress(), 1, i & 0xffff, payload);
      clock.advance(2);
    }
    if (replies < ROUNDS - 1) throw new Error(`only ${replies} replies`);
    return ROUNDS;
  });
  // Baseline for bulk transfers: the LAN alone carrying full-size frames, no stack.
  const BULK = 1_000_000;
  const frames = measure('sim LAN: 1514-byte frames', 'B', () => {
    const { clock, macA, macB } = lanWithPorts(false);
    const frame = new Uint8Array(1514);
    frame.set(parseMac('02:00:00:00:00:02')!, 0);
    let moved = 0;
    for (let sent = 0; sent < BULK; sent += 1460) {
      macA.transmit(frame);
      clock.advance(1);
      if (macB.receive()) moved += 1460;
    }
    return moved;
  }, 5);
  const scenario = measure('scenario: HTTP+echo+discard+chargen, 1 MB each', 'B', () => {
    const r = runScenario({ seed: 1, size: BULK, impairments: {} });
    if (!r.steps.every((s) => s.ok)) throw new Error('scenario failed');
    return r.steps.reduce((n, s) => n + s.bytes, 0);
  }, 5);
  return ['| stack benchmark | median | ratio |', '|---|---|---|', row(bare), row(ping, bare), row(frames), row(scenario, frames)];
}
