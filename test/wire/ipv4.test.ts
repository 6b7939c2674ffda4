import fc from 'fast-check';
import {
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPV4_HEADER_LEN,
  emitIpv4Header,
  formatIpv4,
  ipv4FromBytes,
  ipv4ToBytes,
  isFragment,
  parseCidr,
  parseIpv4,
  parseIpv4Address,
  prefixToNetmask,
  writeIpv4,
  type Ipv4Packet,
} from '../../src/net/wire/ipv4.js';
import { arbIpv4, arbPayload, arbU16, arbU8, embed, hex, isInside, referenceSum, toHex } from './helpers.js';

// A captured UDP datagram's header: 192.168.0.1 -> 192.168.0.199, total length 0x73, DF,
// TTL 64, checksum 0xb861 (verified by hand in checksum.test.ts).
const HEADER_HEX = '45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7';

/** The captured header followed by its 95 payload bytes (0, 1, 2, ...) and `padding` extra bytes. */
function capturedDatagram(padding = 0): Uint8Array {
  const b = new Uint8Array(0x73 + padding);
  b.set(hex(HEADER_HEX));
  for (let i = 20; i < 0x73; i++) b[i] = i - 20;
  return b;
}

/** Sets bytes 10-11 to the correct header checksum (computed by the reference sum). */
function fixHeaderChecksum(b: Uint8Array): void {
  const hl = (b[0] & 15) * 4;
  b[10] = 0;
  b[11] = 0;
  const c = ~referenceSum(b.subarray(0, hl)) & 0xffff;
  b[10] = c >> 8;
  b[11] = c & 0xff;
}

function parsed(b: Uint8Array, verify = true): Ipv4Packet {
  const p = parseIpv4(b, verify);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

describe('parseIpv4', () => {
  test('constants', () => {
    expect([IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPV4_HEADER_LEN]).toEqual([1, 6, 17, 20]);
  });

  test('decodes the captured header', () => {
    const input = embed(capturedDatagram());
    const p = parsed(input);
    expect({ ...p, options: undefined, payload: undefined }).toEqual({
      src: 0xc0a80001, dst: 0xc0a800c7, protocol: IPPROTO_UDP, ttl: 64, tos: 0, ident: 0,
      dontFragment: true, moreFragments: false, fragmentOffset: 0,
      headerLength: 20, totalLength: 0x73, options: undefined, payload: undefined,
    });
    expect(p.options.length).toBe(0);
    expect(p.payload.length).toBe(95);
    expect(p.payload[0]).toBe(0);
    expect(p.payload[94]).toBe(94);
    expect(isInside(p.payload, input) && isInside(p.options, input)).toBe(true);
    expect(isFragment(p)).toBe(false);
  });

  test('Ethernet padding after total length is trimmed from the payload', () => {
    const p = parsed(capturedDatagram(17));
    expect(p.totalLength).toBe(0x73);
    expect(p.payload.length).toBe(95);
  });

  test('a corrupted header fails the checksum unless verification is off', () => {
    const b = capturedDatagram();
    b[8] ^= 0x01;
    expect(parseIpv4(b)).toBe('ipv4-bad-checksum');
    expect(parsed(b, false).ttl).toBe(65);
  });

  test('corruption in the payload is not the header checksum\'s business', () => {
    const b = capturedDatagram();
    b[40] ^= 0xff;
    expect(typeof parseIpv4(b)).toBe('object');
  });

  test('truncated below 20 bytes; below total length is a bad total length', () => {
    const b = capturedDatagram();
    for (let n = 0; n < 20; n++) expect(parseIpv4(b.subarray(0, n))).toBe('ipv4-truncated');
    for (let n = 20; n < 0x73; n++) expect(parseIpv4(b.subarray(0, n))).toBe('ipv4-bad-total-length');
    expect(typeof parseIpv4(b.subarray(0, 0x73))).toBe('object');
  });

  test.each([0, 1, 5, 6, 15])('version %i is rejected', (version) => {
    const b = capturedDatagram();
    b[0] = (version << 4) | 5;
    fixHeaderChecksum(b);
    expect(parseIpv4(b)).toBe('ipv4-bad-version');
  });

  test.each([0, 1, 4])('IHL %i (< 5) is a bad header length', (ihl) => {
    const b = capturedDatagram();
    b[0] = 0x40 | ihl;
    expect(parseIpv4(b, false)).toBe('ipv4-bad-header-length');
  });

  test('an IHL longer than the buffer is a bad header length', () => {
    const b = hex('46 00 00 14 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7');
    expect(parseIpv4(b, false)).toBe('ipv4-bad-header-length');
  });

  test('total length shorter than the header is a bad total length', () => {
    const b = capturedDatagram();
    b[2] = 0;
    b[3] = 19;
    fixHeaderChecksum(b);
    expect(parseIpv4(b)).toBe('ipv4-bad-total-length');
    b[3] = 20;
    fixHeaderChecksum(b);
    expect(parsed(b).payload.length).toBe(0);
  });

  test('total length beyond the buffer is a bad total length', () => {
    const b = capturedDatagram();
    b[3] = 0x74;
    fixHeaderChecksum(b);
    expect(parseIpv4(b)).toBe('ipv4-bad-total-length');
  });

  test('options are returned as bytes and the payload starts after them', () => {
    // IHL 6: one option word (NOP NOP NOP EOL), total length 28.
    const b = hex('46 00 00 1c 12 34 00 00 40 06 00 00 c6 12 00 01 c6 12 00 02 01 01 01 00 de ad be ef');
    fixHeaderChecksum(b);
    const p = parsed(b);
    expect(p.headerLength).toBe(24);
    expect(toHex(p.options)).toBe('01 01 01 00');
    expect(toHex(p.payload)).toBe('de ad be ef');
    expect(p.ident).toBe(0x1234);
    expect(p.dontFragment).toBe(false);
  });

  test('fragments are parsed, with the offset in bytes', () => {
    const b = capturedDatagram();
    // MF set, offset 185 units = 1480 bytes: 0x2000 | 0x00b9.
    b[6] = 0x20;
    b[7] = 0xb9;
    fixHeaderChecksum(b);
    const p = parsed(b);
    expect([p.moreFragments, p.dontFragment, p.fragmentOffset]).toEqual([true, false, 1480]);
    expect(isFragment(p)).toBe(true);
    expect(isFragment({ moreFragments: true, fragmentOffset: 0 })).toBe(true);
    expect(isFragment({ moreFragments: false, fragmentOffset: 8 })).toBe(true);
    expect(isFragment({ moreFragments: false, fragmentOffset: 0 })).toBe(false);
  });
});

describe('emitIpv4Header', () => {
  test('reproduces the captured header byte for byte', () => {
    const buf = new Uint8Array(24).fill(0xee);
    const n = emitIpv4Header(
      { src: 0xc0a80001, dst: 0xc0a800c7, protocol: IPPROTO_UDP, ttl: 64, tos: 0, ident: 0, dontFragment: true },
      0x73 - 20, buf, 2);
    expect(n).toBe(20);
    expect(toHex(buf)).toBe(`ee ee ${HEADER_HEX} ee ee`);
  });

  test('without dontFragment the flags word is zero', () => {
    const buf = new Uint8Array(20);
    emitIpv4Header({ src: 1, dst: 2, protocol: IPPROTO_TCP, ttl: 1, tos: 0x10, ident: 7 }, 0, buf, 0);
    expect(toHex(buf.subarray(0, 8))).toBe('45 10 00 14 00 07 00 00');
  });

  test('round trip for random headers', () => {
    fc.assert(
      fc.property(arbIpv4, arbIpv4, arbU8, arbU8, arbU8, arbU16, fc.boolean(), arbPayload(100),
        (src, dst, protocol, ttl, tos, ident, dontFragment, payload) => {
          const buf = new Uint8Array(20 + payload.length);
          emitIpv4Header({ src, dst, protocol, ttl, tos, ident, dontFragment }, payload.length, buf, 0);
          buf.set(payload, 20);
          expect({ ...parsed(buf) }).toEqual({
            src, dst, protocol, ttl, tos, ident, dontFragment, moreFragments: false, fragmentOffset: 0,
            headerLength: 20, totalLength: 20 + payload.length, options: new Uint8Array(0), payload,
          });
          return true;
        }),
      { numRuns: 200 },
    );
  });
});

describe('address helpers', () => {
  test('bytes <-> u32', () => {
    expect(ipv4FromBytes(hex('c6 12 00 02'))).toBe(0xc6120002);
    expect(ipv4FromBytes(hex('00 ff ff ff ff 01'), 1)).toBe(0xffffffff);
    expect(toHex(ipv4ToBytes(0xc6120002))).toBe('c6 12 00 02');
    const buf = new Uint8Array(6);
    expect(writeIpv4(0x01020304, buf, 1)).toBe(4);
    expect(toHex(buf)).toBe('00 01 02 03 04 00');
  });

  test('format and parse dotted quads', () => {
    expect(formatIpv4(0xc6120002)).toBe('198.18.0.2');
    expect(formatIpv4(0)).toBe('0.0.0.0');
    expect(formatIpv4(0xffffffff)).toBe('255.255.255.255');
    expect(parseIpv4Address('198.18.0.2')).toBe(0xc6120002);
    expect(parseIpv4Address('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4Address('0.0.0.0')).toBe(0);
  });

  test.each(['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.00', '256.1.1.1', '1.2.3.1000', ' 1.2.3.4', '1.2.3.4 ',
    '1..3.4', 'a.b.c.d', '1.2.3.-4', '+1.2.3.4', '1.2.3.4/24', '0x1.2.3.4', '1.2.3.4.'])(
    'parseIpv4Address rejects %p', (s) => {
      expect(parseIpv4Address(s)).toBeUndefined();
    });

  test('format/parse round trip for any address', () => {
    fc.assert(fc.property(arbIpv4, (a) => parseIpv4Address(formatIpv4(a)) === a), { numRuns: 300 });
  });

  test('parseCidr', () => {
    expect(parseCidr('198.18.0.2/24')).toEqual({ address: 0xc6120002, prefixLength: 24, netmask: 0xffffff00 });
    expect(parseCidr('198.18.0.0/15')).toEqual({ address: 0xc6120000, prefixLength: 15, netmask: 0xfffe0000 });
    expect(parseCidr('10.0.0.1/0')).toEqual({ address: 0x0a000001, prefixLength: 0, netmask: 0 });
    expect(parseCidr('10.0.0.1/32')).toEqual({ address: 0x0a000001, prefixLength: 32, netmask: 0xffffffff });
    for (const bad of ['198.18.0.2', '198.18.0.2/', '198.18.0.2/33', '198.18.0.2/024', '198.18.0.2/-1', '198.18.0/24', '/24', '198.18.0.2/24/1']) {
      expect(parseCidr(bad)).toBeUndefined();
    }
  });

  test('prefixToNetmask', () => {
    expect([0, 1, 8, 31, 32].map(prefixToNetmask)).toEqual([0, 0x80000000, 0xff000000, 0xfffffffe, 0xffffffff]);
  });
});
