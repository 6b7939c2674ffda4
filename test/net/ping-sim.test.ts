/**
 * Two stacks on the simulated LAN ping each other through seeded impairments: every
 * reply answers a request that was sent, byte for byte, and loss shows up as missing
 * replies, never as wrong ones.
 */
import { SimLan } from '../../hosts/sim/lan.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { SeededRandom } from '../../src/host/random.js';
import { Stack } from '../../src/stack.js';
import type { EchoReply } from '../../src/net/interface.js';
import type { Impairments } from '../../hosts/sim/impairments.js';
import { ip, mac } from './helpers.js';

function twoBoards(seed: number, impairments: Impairments) {
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed });
  const board = (n: number) =>
    new Stack({
      mac: lan.attach({ macAddress: mac(`02:00:00:00:00:0${n}`), name: `board${n}`, egress: impairments }),
      clock,
      random: new SeededRandom(seed + n),
      address: ip(`198.18.0.${n}`),
      netmask: ip('255.255.255.0'),
    });
  const a = board(1);
  const b = board(2);
  a.start();
  b.start();
  return { clock, lan, a, b };
}

/** A sends `count` pings to B, one a second, each with its own payload. */
function pingSeries(a: Stack, clock: VirtualClock, count: number) {
  const replies: EchoReply[] = [];
  const sent = new Map<number, Uint8Array>();
  a.net.onEchoReply((r) => replies.push({ ...r, payload: r.payload.slice() }));
  for (let seq = 0; seq < count; seq++) {
    const payload = new Uint8Array(56).map((_, i) => (seq * 7 + i) & 0xff);
    sent.set(seq, payload);
    // The first sends may meet an unresolved ARP entry (NO_ARP_ENTRY): that ping is lost, as with µTasker.
    a.net.ping(ip('198.18.0.2'), 0x1234, seq, payload);
    clock.advance(1000);
  }
  return { replies, sent };
}

describe('two stacks ping each other on the simulated LAN', () => {
  it('gets every reply on a clean LAN (after ARP) with the request payload echoed', () => {
    const { a, b, clock } = twoBoards(1, {});
    const { replies, sent } = pingSeries(a, clock, 20);
    expect(replies.map((r) => r.sequence)).toEqual([...Array(20).keys()].slice(1)); // ping 0 started ARP
    for (const r of replies) {
      expect(r.from).toBe(ip('198.18.0.2'));
      expect(r.ident).toBe(0x1234);
      expect(r.payload).toEqual(sent.get(r.sequence));
    }
    expect(b.counters.get('icmp.out-echo-replies')).toBe(19);
  });

  it('with 20% loss on both links: replies only for sent requests, correct, and in the expected proportion', () => {
    const { a, b, clock, lan } = twoBoards(7, { loss: 0.2, jitterMs: 3, delayMs: 1 });
    const { replies, sent } = pingSeries(a, clock, 200);
    const seqs = new Set<number>();
    for (const r of replies) {
      expect(sent.get(r.sequence)).toEqual(r.payload);
      seqs.add(r.sequence);
    }
    expect(seqs.size).toBe(replies.length); // no duplicates without a duplicating link
    // Loss is on each board's sending side: a round trip survives two lossy hops, P = 0.8² = 0.64.
    expect(replies.length).toBeGreaterThan(200 * 0.64 - 25);
    expect(replies.length).toBeLessThan(200 * 0.64 + 25);
    const dropped = lan.stats.reduce((n, s) => n + s.dropped.loss, 0);
    expect(dropped).toBeGreaterThan(0);
    // Nothing was malformed: no stack counted a drop of a frame for a reason other than ARP.
    for (const s of [a, b]) expect(s.counters.get('ipv4.drops') + s.counters.get('eth.drops')).toBe(0);
  });

  it('drops corrupted frames with a counted reason and never answers them', () => {
    const { a, b, clock } = twoBoards(3, { corrupt: 0.5 });
    const { replies, sent } = pingSeries(a, clock, 100);
    for (const r of replies) expect(r.payload).toEqual(sent.get(r.sequence));
    const drops = (s: Stack) => Object.entries(s.counters.snapshot()).filter(([k]) => k.includes('.drop.'));
    const total = [...drops(a), ...drops(b)].reduce((n, [, v]) => n + v, 0);
    expect(total).toBeGreaterThan(10);
  });
});
