import fc from 'fast-check';
import { IPPROTO_ICMP, IPPROTO_UDP } from '../../src/net/wire/ipv4.js';
import { ICMP_ECHO_REPLY } from '../../src/net/wire/icmp.js';
import { BROADCAST_MAC, decode, echoRequestFrame, ip, ipv4Frame, mac, singleStack } from './helpers.js';

const US = ip('198.18.0.2');
const US_MAC = mac('02:00:00:00:00:02');
const PEER = ip('198.18.0.9');
const PEER_MAC = mac('02:00:00:00:00:09');

function started() {
  const s = singleStack();
  s.stack.start();
  s.wire.sent.length = 0;
  return s;
}

describe('ICMP echo', () => {
  it('answers an echo request with the same ident, sequence and data, to the sender, learning its MAC from the frame', () => {
    const { stack, wire, clock } = started();
    const data = new Uint8Array(100).map((_, i) => i);
    wire.inject(echoRequestFrame(US_MAC, PEER_MAC, PEER, US, 0xbeef, 7, data));
    clock.advance(1);
    expect(wire.sent).toHaveLength(1);
    const { eth, ip: p, icmp } = decode(wire.sent[0].frame);
    expect(eth.dst).toEqual(PEER_MAC);
    expect(eth.src).toEqual(US_MAC);
    expect(p).toMatchObject({ src: US, dst: PEER, protocol: IPPROTO_ICMP });
    expect(icmp).toMatchObject({ type: ICMP_ECHO_REPLY, code: 0, ident: 0xbeef, sequence: 7 });
    expect(icmp!.payload).toEqual(data);
    expect(stack.counters.get('icmp.out-echo-replies')).toBe(1);
  });

  it('does not answer a broadcast ping', () => {
    const { stack, wire, clock } = started();
    wire.inject(echoRequestFrame(BROADCAST_MAC, PEER_MAC, PEER, ip('198.18.0.255'), 1, 1, new Uint8Array(8)));
    clock.advance(1);
    expect(wire.sent).toHaveLength(0);
    expect(stack.counters.get('icmp.drop.echo-not-answered')).toBe(1);
  });
});

describe('IPv4 input drops, each counted under its reason', () => {
  const cases: [string, () => Uint8Array, string][] = [
    ['a frame for another MAC', () => echoRequestFrame(mac('02:00:00:00:00:77'), PEER_MAC, PEER, US, 1, 1, new Uint8Array(8)), 'eth.drop.not-for-us'],
    ['a packet for another address', () => echoRequestFrame(US_MAC, PEER_MAC, PEER, ip('198.18.0.3'), 1, 1, new Uint8Array(8)), 'ipv4.drop.not-for-us'],
    ['a bad header checksum', () => {
      const f = echoRequestFrame(US_MAC, PEER_MAC, PEER, US, 1, 1, new Uint8Array(8));
      f[14 + 10] ^= 0xff;
      return f;
    }, 'ipv4.drop.ipv4-bad-checksum'],
    ['a fragment', () => ipv4Frame(US_MAC, PEER_MAC, { src: PEER, dst: US, protocol: IPPROTO_ICMP, ttl: 64, tos: 0, ident: 9 }, new Uint8Array(8)).map((b, i) => (i === 14 + 6 ? b | 0x20 : b)), 'ipv4.drop.fragment'],
    ['our own address as source', () => echoRequestFrame(US_MAC, PEER_MAC, US, US, 1, 1, new Uint8Array(8)), 'ipv4.drop.bad-source'],
    ['UDP with no listener', () => ipv4Frame(US_MAC, PEER_MAC, { src: PEER, dst: US, protocol: IPPROTO_UDP, ttl: 64, tos: 0, ident: 3 }, new Uint8Array(8)), 'ipv4.drop.udp-no-listener'],
    ['an unknown ethertype', () => {
      const f = echoRequestFrame(US_MAC, PEER_MAC, PEER, US, 1, 1, new Uint8Array(8));
      f[12] = 0x88;
      f[13] = 0xb5;
      return f;
    }, 'eth.drop.unknown-ethertype'],
    ['a runt frame', () => new Uint8Array(10), 'eth.drop.eth-truncated'],
  ];
  it.each(cases)('%s', (_name, frame, counter) => {
    const { stack, wire, clock } = started();
    // The fragment case needs its header checksum recomputed after setting MF.
    const f = frame();
    if (counter === 'ipv4.drop.fragment') {
      f[24] = 0;
      f[25] = 0;
      let sum = 0;
      for (let i = 14; i < 34; i += 2) sum += (f[i] << 8) | f[i + 1];
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      const c = ~sum & 0xffff;
      f[24] = c >> 8;
      f[25] = c & 0xff;
    }
    wire.inject(f);
    clock.advance(1);
    expect(wire.sent).toHaveLength(0);
    expect(stack.counters.get(counter)).toBe(1);
  });
});

describe('the Ethernet task', () => {
  it('handles at most ETHERNET_RELEASE_LIMIT + 1 = 4 frames per run, then yields and comes back for the rest', () => {
    const { stack, wire, clock } = started();
    const runsBefore = stack.scheduler.stats.taskRuns['E'] ?? 0;
    const frames = Array.from({ length: 10 }, (_, i) => echoRequestFrame(US_MAC, PEER_MAC, PEER, US, 1, i, new Uint8Array(8)));
    wire.inject(...frames);
    clock.advance(1);
    expect(wire.sent).toHaveLength(10);
    expect(wire.sent.map((s) => decode(s.frame).icmp!.sequence)).toEqual([...Array(10).keys()]);
    // Three runs: 4 + 4 + 2 frames.
    expect((stack.scheduler.stats.taskRuns['E'] ?? 0) - runsBefore).toBe(3);
  });

  it('never throws and never hits an internal error, whatever the frames contain', () => {
    const { stack, wire, clock } = started();
    const valid = echoRequestFrame(US_MAC, PEER_MAC, PEER, US, 1, 1, new Uint8Array(20));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ minLength: 0, maxLength: 200 }),
          fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(valid.length)).map(([i, x, cut]) => {
            const f = valid.slice(0, Math.max(cut, 1));
            if (i < f.length) f[i] ^= x;
            return f;
          }),
        ),
        (frame) => {
          wire.inject(frame);
          clock.advance(1);
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
    expect(stack.counters.get('eth.drop.internal-error')).toBe(0);
    expect(stack.counters.get('eth.in-frames')).toBe(2000);
  });
});
