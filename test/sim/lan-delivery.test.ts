import { SimLan, type SimFrameEvent, type SimMac } from '../../hosts/sim/lan.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { BROADCAST, drain, mac, seqOf, testFrame } from './frames.js';

function threePorts(): { clock: VirtualClock; lan: SimLan; a: SimMac; b: SimMac; c: SimMac } {
  const clock = new VirtualClock();
  const lan = new SimLan({ clock, seed: 1 });
  const a = lan.attach({ macAddress: mac(1), name: 'a' });
  const b = lan.attach({ macAddress: mac(2), name: 'b' });
  const c = lan.attach({ macAddress: mac(3), name: 'c' });
  return { clock, lan, a, b, c };
}

describe('SimLan delivery', () => {
  it('delivers on a later clock turn, never inside transmit, as a copy of the sent bytes', () => {
    const clock = new VirtualClock();
    const lan = new SimLan({ clock, seed: 1 });
    const a = lan.attach({ macAddress: mac(1) });
    const b = lan.attach({ macAddress: mac(2) });
    const sent = testFrame(mac(2), mac(1), 7);
    const expected = sent.slice();
    expect(a.transmit(sent)).toBe(true);
    expect(b.receive()).toBeUndefined();
    expect(b.pendingReceive()).toBe(0);
    sent.fill(0xee); // the sender reuses its buffer at once
    clock.runDue();
    expect(clock.now()).toBe(0);
    const got = b.receive();
    expect(got).toEqual(expected);
    expect(got).not.toBe(sent);
    expect(b.receive()).toBeUndefined();
    expect(a.receive()).toBeUndefined();
    expect(lan.framesInFlight()).toBe(0);
  });

  it('floods broadcast to every port except the sender', () => {
    const { clock, a, b, c } = threePorts();
    a.transmit(testFrame(BROADCAST, mac(1), 1));
    clock.runDue();
    expect(drain(a)).toHaveLength(0);
    expect(drain(b).map(seqOf)).toEqual([1]);
    expect(drain(c).map(seqOf)).toEqual([1]);
  });

  it('floods multicast to every port except the sender', () => {
    const { clock, a, b, c } = threePorts();
    const multicast = new Uint8Array([0x01, 0x00, 0x5e, 0x00, 0x00, 0x01]);
    c.transmit(testFrame(multicast, mac(3), 4));
    clock.runDue();
    expect(drain(a).map(seqOf)).toEqual([4]);
    expect(drain(b).map(seqOf)).toEqual([4]);
    expect(drain(c)).toHaveLength(0);
  });

  it('floods unknown unicast, then sends only to the learned port', () => {
    const { clock, lan, a, b, c } = threePorts();
    expect(lan.learnedPort(mac(3))).toBeUndefined();
    a.transmit(testFrame(mac(3), mac(1), 1)); // c has not spoken yet
    clock.runDue();
    expect(drain(b).map(seqOf)).toEqual([1]);
    expect(drain(c).map(seqOf)).toEqual([1]);
    expect(lan.learnedPort(mac(1))).toBe(a);

    c.transmit(testFrame(mac(1), mac(3), 2)); // a is known: only a gets it
    clock.runDue();
    expect(drain(a).map(seqOf)).toEqual([2]);
    expect(drain(b)).toHaveLength(0);
    expect(lan.learnedPort(mac(3))).toBe(c);

    a.transmit(testFrame(mac(3), mac(1), 3)); // now c is known too
    clock.runDue();
    expect(drain(c).map(seqOf)).toEqual([3]);
    expect(drain(b)).toHaveLength(0);
    expect(drain(a)).toHaveLength(0);
  });

  it('learns from source addresses, not from the configured MAC, and follows a moved address', () => {
    const { clock, lan, a, b, c } = threePorts();
    const roaming = mac(9);
    a.transmit(testFrame(BROADCAST, roaming, 1)); // a bridges for 02:..:09
    clock.runDue();
    drain(b);
    drain(c);
    b.transmit(testFrame(roaming, mac(2), 2));
    clock.runDue();
    expect(drain(a).map(seqOf)).toEqual([2]);
    expect(drain(c)).toHaveLength(0);

    c.transmit(testFrame(BROADCAST, roaming, 3)); // the address moves to c
    clock.runDue();
    drain(a);
    drain(b);
    expect(lan.learnedPort(roaming)).toBe(c);
    b.transmit(testFrame(roaming, mac(2), 4));
    clock.runDue();
    expect(drain(c).map(seqOf)).toEqual([4]);
    expect(drain(a)).toHaveLength(0);
  });

  it('drops a frame whose destination was learned on the sending port (a switch filters it)', () => {
    const { clock, a, b, c } = threePorts();
    a.transmit(testFrame(BROADCAST, mac(9), 1));
    clock.runDue();
    drain(b);
    drain(c);
    a.transmit(testFrame(mac(9), mac(1), 2));
    clock.runDue();
    expect(drain(a)).toHaveLength(0);
    expect(drain(b)).toHaveLength(0);
    expect(drain(c)).toHaveLength(0);
  });

  it('gives every receiving port its own buffer', () => {
    const { clock, b, c, a } = threePorts();
    a.transmit(testFrame(BROADCAST, mac(1), 1));
    clock.runDue();
    const atB = b.receive()!;
    const atC = c.receive()!;
    expect(atB).toEqual(atC);
    atB[20] ^= 0xff;
    expect(atC[20]).toBe(20);
  });

  it('applies egress then ingress delay: arrival exactly at the sum', () => {
    const clock = new VirtualClock(1000);
    const lan = new SimLan({ clock, seed: 1 });
    const a = lan.attach({ macAddress: mac(1), egress: { delayMs: 10 } });
    const b = lan.attach({ macAddress: mac(2), ingress: { delayMs: 5 } });
    const arrivals: number[] = [];
    b.setReceiveNotify(() => arrivals.push(clock.now()));
    a.transmit(testFrame(mac(2), mac(1), 1));
    clock.advance(14.999);
    expect(b.pendingReceive()).toBe(0);
    clock.advance(0.001);
    expect(b.pendingReceive()).toBe(1);
    expect(arrivals).toEqual([1015]);
  });

  it('keeps jitter within [delay, delay + jitter)', () => {
    const clock = new VirtualClock();
    const lan = new SimLan({ clock, seed: 5 });
    const a = lan.attach({ macAddress: mac(1), egress: { delayMs: 10, jitterMs: 5 } });
    lan.attach({ macAddress: mac(2), rxQueueLimit: 1000 });
    const latencies: number[] = [];
    const sentAt = new Map<number, number>();
    lan.observe((e) => {
      if (e.kind === 'delivered') latencies.push(e.timeMs - sentAt.get(seqOf(e.frame))!);
    });
    for (let i = 0; i < 500; i++) {
      sentAt.set(i, clock.now());
      a.transmit(testFrame(mac(2), mac(1), i));
      clock.advance(1);
    }
    clock.advance(100);
    expect(latencies).toHaveLength(500);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...latencies)).toBeLessThan(15);
    // Uniform over [10, 15): the extremes come close to both ends, the mean near 12.5.
    expect(Math.min(...latencies)).toBeLessThan(10.1);
    expect(Math.max(...latencies)).toBeGreaterThan(14.9);
    const mean = latencies.reduce((s, x) => s + x, 0) / latencies.length;
    expect(mean).toBeGreaterThan(12.3);
    expect(mean).toBeLessThan(12.7);
  });

  it('serialises frames at the bit rate: each takes bytes × 8 / bps, queued behind each other', () => {
    const clock = new VirtualClock();
    const lan = new SimLan({ clock, seed: 1 });
    // 8000 bit/s = 1 byte per ms: a 100-byte frame takes 100 ms on the wire.
    const a = lan.attach({ macAddress: mac(1), egress: { bandwidthBps: 8000, delayMs: 5 } });
    const b = lan.attach({ macAddress: mac(2) });
    const arrivals: [number, number][] = [];
    lan.observe((e) => {
      if (e.kind === 'delivered') arrivals.push([seqOf(e.frame), e.timeMs]);
    });
    for (let i = 0; i < 3; i++) a.transmit(testFrame(mac(2), mac(1), i, 100));
    clock.advance(50);
    a.transmit(testFrame(mac(2), mac(1), 3, 50)); // waits behind the three: 300..350
    clock.advance(2000);
    a.transmit(testFrame(mac(2), mac(1), 4, 200)); // idle link at 2050: 200 ms
    clock.advance(1000);
    expect(arrivals).toEqual([
      [0, 105],
      [1, 205],
      [2, 305],
      [3, 355],
      [4, 2255],
    ]);
    expect(drain(b)).toHaveLength(5);
  });

  it('calls the receive notification only when the queue goes from empty to non-empty', () => {
    const clock = new VirtualClock();
    const lan = new SimLan({ clock, seed: 1 });
    const a = lan.attach({ macAddress: mac(1) });
    const b = lan.attach({ macAddress: mac(2) });
    let notified = 0;
    let waitingAtNotify = -1;
    b.setReceiveNotify(() => {
      notified++;
      waitingAtNotify = b.pendingReceive();
    });
    for (let i = 0; i < 3; i++) a.transmit(testFrame(mac(2), mac(1), i));
    clock.runDue();
    expect(notified).toBe(1);
    expect(waitingAtNotify).toBe(1); // the frame is there when the "interrupt" runs
    expect(drain(b).map(seqOf)).toEqual([0, 1, 2]);
    a.transmit(testFrame(mac(2), mac(1), 3));
    clock.runDue();
    expect(notified).toBe(2);
  });

  it('bounds the receive queue and counts overflow', () => {
    const clock = new VirtualClock();
    const lan = new SimLan({ clock, seed: 1 });
    const a = lan.attach({ macAddress: mac(1) });
    const b = lan.attach({ macAddress: mac(2), rxQueueLimit: 4 });
    const drops: SimFrameEvent[] = [];
    lan.observe((e) => {
      if (e.kind === 'dropped') drops.push(e);
    });
    for (let i = 0; i < 10; i++) a.transmit(testFrame(mac(2), mac(1), i));
    clock.runDue();
    expect(drain(b).map(seqOf)).toEqual([0, 1, 2, 3]);
    expect(b.stats.dropped['rx-queue-full']).toBe(6);
    expect(b.stats.delivered).toBe(4);
    expect(drops.map((e) => [e.port.name, e.from.name, e.reason, seqOf(e.frame)])).toEqual(
      [4, 5, 6, 7, 8, 9].map((s) => ['port1', 'port0', 'rx-queue-full', s]),
    );
    a.transmit(testFrame(mac(2), mac(1), 10));
    clock.runDue();
    expect(drain(b).map(seqOf)).toEqual([10]);
  });

  it('defaults the receive queue limit to 256', () => {
    const clock = new VirtualClock();
    const lan = new SimLan({ clock, seed: 1 });
    const a = lan.attach({ macAddress: mac(1) });
    const b = lan.attach({ macAddress: mac(2) });
    for (let i = 0; i < 300; i++) a.transmit(testFrame(mac(2), mac(1), i));
    clock.runDue();
    expect(b.pendingReceive()).toBe(256);
    expect(b.stats.dropped['rx-queue-full']).toBe(44);
  });

  it('never re-enters a stack that answers from inside its receive notification', () => {
    const clock = new VirtualClock();
    const lan = new SimLan({ clock, seed: 1 });
    const a = lan.attach({ macAddress: mac(1) });
    const b = lan.attach({ macAddress: mac(2) });
    let insideB = false;
    let aNotifiedWhileInsideB = false;
    a.setReceiveNotify(() => {
      if (insideB) aNotifiedWhileInsideB = true;
    });
    b.setReceiveNotify(() => {
      insideB = true;
      for (const f of drain(b)) b.transmit(testFrame(mac(1), mac(2), seqOf(f) + 100));
      expect(a.pendingReceive()).toBe(0);
      insideB = false;
    });
    a.transmit(testFrame(mac(2), mac(1), 1));
    clock.runDue();
    expect(aNotifiedWhileInsideB).toBe(false);
    expect(drain(a).map(seqOf)).toEqual([101]);
  });

  it('refuses runt frames (shorter than an Ethernet header) and counts them', () => {
    const clock = new VirtualClock();
    const lan = new SimLan({ clock, seed: 1 });
    const a = lan.attach({ macAddress: mac(1) });
    const b = lan.attach({ macAddress: mac(2) });
    expect(a.transmit(new Uint8Array(13))).toBe(false);
    clock.runDue();
    expect(b.pendingReceive()).toBe(0);
    expect(a.stats.dropped.runt).toBe(1);
    expect(a.stats.sent).toBe(0);
  });

  it('reports sent and delivered frames to observers until they unsubscribe', () => {
    const { clock, lan, a } = threePorts();
    const seen: string[] = [];
    const stop = lan.observe((e) => seen.push(`${e.kind} ${e.port.name} from ${e.from.name} @${e.timeMs} #${seqOf(e.frame)}`));
    clock.advance(3);
    a.transmit(testFrame(BROADCAST, mac(1), 1));
    clock.runDue();
    expect(seen).toEqual(['sent a from a @3 #1', 'delivered b from a @3 #1', 'delivered c from a @3 #1']);
    stop();
    a.transmit(testFrame(BROADCAST, mac(1), 2));
    clock.runDue();
    expect(seen).toHaveLength(3);
  });

  it('counts per port in attach order', () => {
    const { clock, lan, a, b, c } = threePorts();
    a.transmit(testFrame(BROADCAST, mac(1), 1));
    b.transmit(testFrame(mac(1), mac(2), 2));
    clock.runDue();
    expect(lan.stats.map((s) => [s.name, s.sent, s.delivered])).toEqual([
      ['a', 1, 1],
      ['b', 1, 1],
      ['c', 0, 1],
    ]);
    expect(lan.stats[2]).toBe(c.stats);
  });

  it('rejects a MAC address that is not 6 bytes and a bad rxQueueLimit', () => {
    const lan = new SimLan({ clock: new VirtualClock(), seed: 1 });
    expect(() => lan.attach({ macAddress: new Uint8Array(5) })).toThrow(RangeError);
    expect(() => lan.attach({ macAddress: mac(1), rxQueueLimit: -1 })).toThrow(RangeError);
  });
});
