import { deriveSeed } from '../../hosts/sim/impairments.js';
import { SimLan } from '../../hosts/sim/lan.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { BROADCAST, mac, seqOf, testFrame } from './frames.js';

const EVERYTHING = { loss: 0.1, duplicate: 0.05, reorder: 0.05, corrupt: 0.05, delayMs: 2, jitterMs: 3 };

/** Three impaired ports exchanging traffic; returns every delivery as one line. */
function runScenario(seed: number): string[] {
  const clock = new VirtualClock();
  const lan = new SimLan({ clock, seed });
  const ports = [1, 2, 3].map((n) =>
    lan.attach({ macAddress: mac(n), egress: EVERYTHING, ingress: { ...EVERYTHING, bandwidthBps: 1e6 }, rxQueueLimit: 10_000 }),
  );
  const log: string[] = [];
  lan.observe((e) => {
    if (e.kind === 'delivered') log.push(`${e.timeMs.toFixed(6)} ${e.from.name}>${e.port.name} ${Array.from(e.frame).join(',')}`);
  });
  for (let i = 0; i < 300; i++) {
    const from = ports[i % 3];
    const to = i % 7 === 0 ? BROADCAST : mac(((i + 1) % 3) + 1);
    from.transmit(testFrame(to, from.macAddress, i, 60 + (i % 5) * 100));
    clock.advance(0.5);
  }
  clock.advance(1000);
  for (const port of ports) while (port.receive() !== undefined);
  return log;
}

/** Which of `count` frames a → b were lost, with optional extra traffic by other ports. */
function lossPattern(seed: number, count: number, extraTraffic: boolean): { aLost: number[]; bLost: number[] } {
  const clock = new VirtualClock();
  const lan = new SimLan({ clock, seed });
  const a = lan.attach({ macAddress: mac(1), egress: { loss: 0.3, duplicate: 0.1, jitterMs: 1 } });
  const b = lan.attach({ macAddress: mac(2), egress: { loss: 0.3, corrupt: 0.2 }, rxQueueLimit: 100_000 });
  const c = lan.attach({ macAddress: mac(3), egress: { loss: 0.5 }, ingress: { loss: 0.5 } });
  const aLost: number[] = [];
  const bLost: number[] = [];
  lan.observe((e) => {
    if (e.kind === 'dropped' && e.reason === 'loss' && e.port === a) aLost.push(seqOf(e.frame));
    if (e.kind === 'dropped' && e.reason === 'loss' && e.port === b) bLost.push(seqOf(e.frame));
  });
  for (let i = 0; i < count; i++) {
    a.transmit(testFrame(mac(2), mac(1), i));
    b.transmit(testFrame(mac(1), mac(2), i));
    if (extraTraffic) {
      // c floods b and everyone; b receives much more, which must not shift b's sending pattern.
      for (let k = 0; k < 3; k++) c.transmit(testFrame(k === 0 ? BROADCAST : mac(2), mac(3), 100_000 + i));
    }
    clock.advance(1);
    while (a.receive() !== undefined);
    while (b.receive() !== undefined);
    while (c.receive() !== undefined);
  }
  clock.advance(100);
  return { aLost, bLost };
}

describe('SimLan determinism', () => {
  it('gives the same deliveries (times, ports, bytes) for the same seed', () => {
    const first = runScenario(1234);
    const second = runScenario(1234);
    expect(first.length).toBeGreaterThan(200); // 343 sent copies less ~20 % impairment losses
    expect(second).toEqual(first);
  });

  it('gives different deliveries for a different seed', () => {
    expect(runScenario(1235)).not.toEqual(runScenario(1234));
  });

  it("does not change a port's drop pattern when other ports add traffic", () => {
    const quiet = lossPattern(99, 2000, false);
    const busy = lossPattern(99, 2000, true);
    expect(quiet.aLost.length).toBeGreaterThan(450); // ~600 of 2000 at 30 %
    expect(quiet.bLost.length).toBeGreaterThan(450);
    expect(busy.aLost).toEqual(quiet.aLost);
    expect(busy.bLost).toEqual(quiet.bLost);
  });

  it('gives each port and direction its own random stream', () => {
    const seeds = new Set<number>();
    for (let port = 0; port < 64; port++) for (let stream = 0; stream < 2; stream++) seeds.add(deriveSeed(7, port, stream));
    expect(seeds.size).toBe(128);
    expect(deriveSeed(7, 3, 1)).toBe(deriveSeed(7, 3, 1));
    expect(deriveSeed(8, 3, 1)).not.toBe(deriveSeed(7, 3, 1));
  });
});
