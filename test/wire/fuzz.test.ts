/**
 * Fuzz-style properties: every parser, on random bytes and on valid packets with bytes
 * flipped or cut, returns either a known drop reason or a repr whose views lie inside
 * the input, and never throws. Inputs are views with guard bytes around them.
 */
import fc from 'fast-check';
import { emitArp, parseArp } from '../../src/net/wire/arp.js';
import { emitEthernetHeader, parseEthernet } from '../../src/net/wire/ethernet.js';
import { emitIcmpEcho, parseIcmp } from '../../src/net/wire/icmp.js';
import { emitIpv4Header, parseIpv4 } from '../../src/net/wire/ipv4.js';
import { DROP_REASONS, isDropReason } from '../../src/net/wire/reasons.js';
import { emitTcp, parseTcp, tcpHeaderLength, TCP_ACK } from '../../src/net/wire/tcp.js';
import { emitUdp, parseUdp } from '../../src/net/wire/udp.js';
import { embed, viewsInside } from './helpers.js';

const SRC = 0xc6120001;
const DST = 0xc6120002;

type Parser = (b: Uint8Array) => object | string;

const parsers: Record<string, Parser> = {
  ethernet: (b) => parseEthernet(b),
  arp: (b) => parseArp(b),
  ipv4: (b) => parseIpv4(b),
  'ipv4 (no checksum)': (b) => parseIpv4(b, false),
  icmp: (b) => parseIcmp(b),
  udp: (b) => parseUdp(b, SRC, DST),
  tcp: (b) => parseTcp(b, SRC, DST),
  'tcp (no checksum)': (b) => parseTcp(b, SRC, DST, false),
};

/** The property every parser result must have. */
function wellBehaved(parse: Parser, input: Uint8Array): boolean {
  const r = parse(input);
  if (typeof r === 'string') return isDropReason(r);
  if (!viewsInside(r, input)) return false;
  // TCP options may hold SACK edges: all must be u32.
  const options = (r as { options?: unknown }).options;
  if (options !== undefined && !(options instanceof Uint8Array)) {
    const edges = (options as { sackBlocks?: number[] }).sackBlocks ?? [];
    if (!edges.every((e) => Number.isInteger(e) && e >= 0 && e <= 0xffffffff)) return false;
  }
  return true;
}

/** Valid samples of each kind, for mutation. */
function validSamples(): Record<string, Uint8Array> {
  const frame = new Uint8Array(14 + 20 + 40 + 7);
  emitEthernetHeader(new Uint8Array(6).fill(0xff), new Uint8Array([2, 0, 0, 0, 0, 1]), 0x0800, frame, 0);
  const tcpOptions = { mss: 1460, windowScale: 7, sackPermitted: true, tsVal: 5, tsEcr: 6 };
  const tcpLen = emitTcp({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: TCP_ACK, window: 5, urgent: 0, options: tcpOptions },
    new Uint8Array([1, 2, 3, 4, 5, 6, 7]), SRC, DST, frame, 34);
  emitIpv4Header({ src: SRC, dst: DST, protocol: 6, ttl: 64, tos: 0, ident: 1 }, tcpLen, frame, 14);
  const tcpSack = new Uint8Array(tcpHeaderLength({ sackBlocks: [1, 2, 3, 4, 5, 6, 7, 8] }) + 3);
  emitTcp({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: TCP_ACK, window: 5, urgent: 0, options: { sackBlocks: [1, 2, 3, 4, 5, 6, 7, 8] } },
    new Uint8Array([9, 9, 9]), SRC, DST, tcpSack, 0);
  const arp = new Uint8Array(28);
  emitArp({ op: 1, senderMac: new Uint8Array(6).fill(2), senderIp: SRC, targetMac: new Uint8Array(6), targetIp: DST }, arp, 0);
  const icmp = new Uint8Array(8 + 33);
  emitIcmpEcho(8, 1, 2, new Uint8Array(33).fill(0x61), icmp, 0);
  const udp = new Uint8Array(8 + 13);
  emitUdp(53, 5353, new Uint8Array(13).fill(7), SRC, DST, udp, 0);
  return {
    ethernet: frame, arp, ipv4: frame.subarray(14), icmp, udp, tcp: frame.subarray(34), 'tcp sack': tcpSack,
  };
}

describe('DROP_REASONS', () => {
  test('unique, kebab-case, with a layer prefix', () => {
    expect(new Set(DROP_REASONS).size).toBe(DROP_REASONS.length);
    for (const r of DROP_REASONS) expect(r).toMatch(/^(eth|arp|ipv4|icmp|udp|tcp)-[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(isDropReason('tcp-bad-option')).toBe(true);
    expect(isDropReason('tcp-nonsense')).toBe(false);
    expect(isDropReason(3)).toBe(false);
  });
});

describe('parsers on hostile input', () => {
  const samples = validSamples();

  test('the valid samples parse (so mutations start from deep paths)', () => {
    expect(typeof parseEthernet(samples.ethernet)).toBe('object');
    expect(typeof parseIpv4(samples.ipv4)).toBe('object');
    expect(typeof parseTcp(samples.tcp, SRC, DST)).toBe('object');
    expect(typeof parseTcp(samples['tcp sack'], SRC, DST)).toBe('object');
    expect(typeof parseArp(samples.arp)).toBe('object');
    expect(typeof parseIcmp(samples.icmp)).toBe('object');
    expect(typeof parseUdp(samples.udp, SRC, DST)).toBe('object');
  });

  test.each(Object.keys(parsers))('%s: random bytes', (name) => {
    const parse = parsers[name];
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 120 }), (bytes) => wellBehaved(parse, embed(bytes))),
      { numRuns: 400 },
    );
  });

  test('tcp (no checksum): random option areas behind a valid fixed header', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 15 }), fc.uint8Array({ minLength: 0, maxLength: 60 }), (offset, tail) => {
        const b = new Uint8Array(20 + tail.length);
        b.set(tail, 20);
        b[12] = offset << 4;
        return wellBehaved(parsers['tcp (no checksum)'], embed(b));
      }),
      { numRuns: 500 },
    );
  });

  const mutationTargets: Array<[string, string]> = [
    ['ethernet', 'ethernet'], ['arp', 'arp'], ['ipv4', 'ipv4'], ['ipv4 (no checksum)', 'ipv4'], ['icmp', 'icmp'],
    ['udp', 'udp'], ['tcp', 'tcp'], ['tcp (no checksum)', 'tcp'], ['tcp (no checksum)', 'tcp sack'],
  ];

  test.each(mutationTargets)('%s: valid %s packets with bytes changed and cut', (parserName, sampleName) => {
    const parse = parsers[parserName];
    const sample = samples[sampleName];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat({ max: sample.length }),
        fc.boolean(),
        (changes, cut, zeroUdpChecksum) => {
          const b = sample.slice();
          for (const [where, value] of changes) b[where % b.length] = value;
          // With no UDP checksum, mutations reach the length checks instead of stopping at the sum.
          if (sampleName === 'udp' && zeroUdpChecksum) b[6] = b[7] = 0;
          return wellBehaved(parse, embed(b)) && wellBehaved(parse, embed(b.subarray(0, cut)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
