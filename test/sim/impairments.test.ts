import type { Impairments } from '../../hosts/sim/impairments.js';
import { SimLan, type SimMac } from '../../hosts/sim/lan.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { BROADCAST, drain, mac, seqOf, testFrame } from './frames.js';

interface Pair {
  clock: VirtualClock;
  lan: SimLan;
  a: SimMac;
  b: SimMac;
}

function pair(seed: number, egress: Impairments = {}, ingress: Impairments = {}): Pair {
  const clock = new VirtualClock();
  const lan = new SimLan({ clock, seed });
  const a = lan.attach({ macAddress: mac(1), name: 'a', egress });
  const b = lan.attach({ macAddress: mac(2), name: 'b', ingress, rxQueueLimit: 100_000 });
  return { clock, lan, a, b };
}

/** Sends `count` numbered frames a → b, one per `gapMs`, then lets everything arrive. */
function sendMany(p: Pair, count: number, gapMs = 0, length = 60, dst = mac(2)): Uint8Array[] {
  for (let i = 0; i < count; i++) {
    p.a.transmit(testFrame(dst, mac(1), i, length));
    if (gapMs > 0) p.clock.advance(gapMs);
  }
  p.clock.advance(10_000);
  return drain(p.b);
}

describe('SimLan impairments', () => {
  it('drops 20% of 5000 frames (within ±3%) on egress loss, and counts each', () => {
    const p = pair(42, { loss: 0.2 });
    const got = sendMany(p, 5000);
    const lost = 5000 - got.length;
    expect(lost).toBeGreaterThanOrEqual(850);
    expect(lost).toBeLessThanOrEqual(1150);
    expect(p.a.stats.dropped.loss).toBe(lost);
    expect(p.a.stats.sent).toBe(5000); // lost on the wire: the sender is not told
    expect(p.b.stats.delivered).toBe(got.length);
    // Survivors keep their order on a link without jitter or reordering.
    const seqs = got.map(seqOf);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });

  it('drops on ingress loss and counts it on the receiving port', () => {
    const p = pair(43, {}, { loss: 0.2 });
    const got = sendMany(p, 5000);
    const lost = 5000 - got.length;
    expect(lost).toBeGreaterThanOrEqual(850);
    expect(lost).toBeLessThanOrEqual(1150);
    expect(p.b.stats.dropped.loss).toBe(lost);
    expect(p.a.stats.dropped.loss).toBe(0);
  });

  it('loses everything at loss 1 and nothing at loss 0', () => {
    expect(sendMany(pair(1, { loss: 1 }), 200)).toHaveLength(0);
    expect(sendMany(pair(1, { loss: 0 }), 200)).toHaveLength(200);
  });

  it('duplicates about 10% of 5000 frames, as identical separate copies', () => {
    const p = pair(7, { duplicate: 0.1 });
    const got = sendMany(p, 5000);
    const extra = got.length - 5000;
    expect(extra).toBe(p.a.stats.duplicated);
    expect(extra).toBeGreaterThanOrEqual(350);
    expect(extra).toBeLessThanOrEqual(650);
    const bySeq = new Map<number, Uint8Array[]>();
    for (const f of got) bySeq.set(seqOf(f), [...(bySeq.get(seqOf(f)) ?? []), f]);
    expect(bySeq.size).toBe(5000);
    let pairs = 0;
    for (const [seq, copies] of bySeq) {
      expect(copies.length).toBeLessThanOrEqual(2);
      if (copies.length === 2) {
        pairs++;
        expect(copies[0]).toEqual(testFrame(mac(2), mac(1), seq));
        expect(copies[1]).toEqual(copies[0]);
        expect(copies[1]).not.toBe(copies[0]);
      }
    }
    expect(pairs).toBe(extra);
  });

  it('reorders: held-back frames arrive after later ones, none lost or doubled', () => {
    const p = pair(11, { reorder: 0.1, delayMs: 5 });
    const got = sendMany(p, 1000, 1);
    const seqs = got.map(seqOf);
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    let late = 0;
    let highest = -1;
    for (const s of seqs) {
      if (s < highest) late++;
      highest = Math.max(highest, s);
    }
    const held = p.a.stats.reordered;
    expect(held).toBeGreaterThanOrEqual(60);
    expect(held).toBeLessThanOrEqual(140);
    // Every held frame is overtaken (1 frame/ms vs 11 ms extra), except perhaps the very last.
    expect(late).toBeGreaterThanOrEqual(held - 1);
    expect(late).toBeLessThanOrEqual(held);
  });

  it('holds a reordered frame back by 2 × delay + 1 ms by default, or by reorderDelayMs', () => {
    for (const [imp, expected] of [
      [{ reorder: 1, delayMs: 3 }, 10],
      [{ reorder: 1, delayMs: 3, reorderDelayMs: 20 }, 23],
      [{ reorder: 1 }, 1],
    ] as [Impairments, number][]) {
      const p = pair(1, imp);
      const times: number[] = [];
      p.lan.observe((e) => {
        if (e.kind === 'delivered') times.push(e.timeMs);
      });
      p.a.transmit(testFrame(mac(2), mac(1), 0));
      p.clock.advance(100);
      expect(times).toEqual([expected]);
    }
  });

  it('corrupts exactly one byte of every frame at corrupt 1, never in the Ethernet header', () => {
    const p = pair(3, { corrupt: 1 });
    const got = sendMany(p, 500, 0, 60, BROADCAST);
    expect(got).toHaveLength(500);
    expect(p.a.stats.corrupted).toBe(500);
    const damaged = new Set<number>();
    for (let n = 0; n < got.length; n++) {
      const original = testFrame(BROADCAST, mac(1), n);
      const f = got[n];
      expect(f.length).toBe(original.length);
      let differing = 0;
      for (let i = 0; i < f.length; i++) {
        if (f[i] !== original[i]) {
          differing++;
          damaged.add(i);
        }
      }
      expect(differing).toBe(1);
    }
    // The damaged byte is spread over everything after the Ethernet header.
    expect(damaged.size).toBeGreaterThan(40);
    expect([...damaged].every((i) => i >= 14)).toBe(true);
  });

  it('corrupts about 30% of frames on ingress and counts exactly those', () => {
    const p = pair(4, {}, { corrupt: 0.3 });
    const got = sendMany(p, 2000, 0, 200);
    let differing = 0;
    got.forEach((f, n) => {
      const original = testFrame(mac(2), mac(1), n, 200);
      if (!f.every((byte, i) => byte === original[i])) differing++;
    });
    expect(differing).toBe(p.b.stats.corrupted);
    expect(differing).toBeGreaterThanOrEqual(540);
    expect(differing).toBeLessThanOrEqual(660);
  });

  it('tail-drops beyond queueLimit frames waiting on a bandwidth-limited link', () => {
    // 8000 bit/s: a 100-byte frame takes 100 ms. One is on the wire, two may wait.
    const p = pair(1, { bandwidthBps: 8000, queueLimit: 2 });
    const times: [number, number][] = [];
    p.lan.observe((e) => {
      if (e.kind === 'delivered') times.push([seqOf(e.frame), e.timeMs]);
    });
    for (let i = 0; i < 5; i++) p.a.transmit(testFrame(mac(2), mac(1), i, 100));
    expect(p.a.stats.dropped['queue-full']).toBe(2);
    p.clock.advance(150); // frame 1 now on the wire, frame 2 waiting: one slot free
    p.a.transmit(testFrame(mac(2), mac(1), 5, 100));
    p.a.transmit(testFrame(mac(2), mac(1), 6, 100));
    expect(p.a.stats.dropped['queue-full']).toBe(3);
    p.clock.advance(1000);
    expect(times).toEqual([
      [0, 100],
      [1, 200],
      [2, 300],
      [5, 400],
    ]);
  });

  it('tail-drops on the receiving side too (ingress bandwidth)', () => {
    const p = pair(1, {}, { bandwidthBps: 8000, queueLimit: 0 });
    for (let i = 0; i < 3; i++) p.a.transmit(testFrame(mac(2), mac(1), i, 100));
    p.clock.advance(1000);
    expect(drain(p.b).map(seqOf)).toEqual([0]);
    expect(p.b.stats.dropped['queue-full']).toBe(2);
  });

  it('drops and counts frames to and from a port whose link is down', () => {
    const p = pair(1, { delayMs: 10 });
    p.b.setLinkUp(false);
    expect(p.b.linkUp()).toBe(false);
    for (let i = 0; i < 5; i++) p.a.transmit(testFrame(mac(2), mac(1), i));
    expect(p.b.transmit(testFrame(mac(1), mac(2), 99))).toBe(false);
    p.clock.advance(100);
    expect(drain(p.b)).toHaveLength(0);
    expect(drain(p.a)).toHaveLength(0);
    expect(p.b.stats.dropped['link-down']).toBe(6);
    expect(p.b.stats.sent).toBe(0);

    p.b.setLinkUp(true);
    p.a.transmit(testFrame(mac(2), mac(1), 5));
    p.clock.advance(5);
    p.b.setLinkUp(false); // goes down while the frame is on the wire
    p.clock.advance(100);
    expect(p.b.stats.dropped['link-down']).toBe(7);
    p.b.setLinkUp(true);
    p.a.transmit(testFrame(mac(2), mac(1), 6));
    p.clock.advance(100);
    expect(drain(p.b).map(seqOf)).toEqual([6]);
  });

  it('refuses transmit on the sender side when its own link is down', () => {
    const p = pair(1);
    p.a.setLinkUp(false);
    expect(p.a.transmit(testFrame(mac(2), mac(1), 1))).toBe(false);
    p.clock.advance(10);
    expect(drain(p.b)).toHaveLength(0);
    expect(p.a.stats.dropped['link-down']).toBe(1);
  });

  it('changes impairments at run time, per direction', () => {
    const p = pair(9);
    p.a.setImpairments({ egress: { loss: 1 } });
    expect(sendMany(p, 10)).toHaveLength(0);
    p.a.setImpairments({ ingress: { loss: 1 } }); // egress unchanged
    expect(sendMany(p, 10)).toHaveLength(0);
    p.a.setImpairments({ egress: {} });
    expect(sendMany(p, 10)).toHaveLength(10);
  });

  it('rejects invalid impairments with RangeError', () => {
    const p = pair(1);
    for (const bad of [
      { loss: 1.5 },
      { duplicate: -0.1 },
      { corrupt: NaN },
      { delayMs: -1 },
      { jitterMs: Infinity },
      { bandwidthBps: 0 },
      { queueLimit: 1.5 },
    ] as Impairments[]) {
      expect(() => p.a.setImpairments({ egress: bad })).toThrow(RangeError);
    }
    const lan = new SimLan({ clock: new VirtualClock(), seed: 1 });
    expect(() => lan.attach({ macAddress: mac(1), ingress: { reorder: 2 } })).toThrow(RangeError);
  });
});
