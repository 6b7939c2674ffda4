import fc from 'fast-check';
import { UDP_HEADER_LEN, emitUdp, parseUdp, type UdpDatagram } from '../../src/net/wire/udp.js';
import { arbIpv4, arbPayload, arbU16, ascii, embed, hex, isInside, referencePseudoSum, referenceSum, toHex } from './helpers.js';

const SRC = 0xc6120001; // 198.18.0.1
const DST = 0xc6120002; // 198.18.0.2
// 5353 -> 7, "hi!". Pseudo-header c612+0001+c612+0002+0011+000b = 0x8c44; UDP words
// 14e9+0007+000b+0000+6869+2100 = 0x9e64; 0x8c44 + 0x9e64 = 0x12aa8 -> 0x2aa9; ~ = 0xd556.
const DATAGRAM = hex('14 e9 00 07 00 0b d5 56 68 69 21');

function parsed(b: Uint8Array, src = SRC, dst = DST): UdpDatagram {
  const d = parseUdp(b, src, dst);
  if (typeof d === 'string') throw new Error(d);
  return d;
}

describe('parseUdp', () => {
  test('decodes a hand-checked datagram', () => {
    const input = embed(DATAGRAM);
    const d = parsed(input);
    expect({ ...d, payload: undefined }).toEqual({ srcPort: 5353, dstPort: 7, length: 11, payload: undefined });
    expect(toHex(d.payload)).toBe('68 69 21');
    expect(isInside(d.payload, input)).toBe(true);
    expect(UDP_HEADER_LEN).toBe(8);
  });

  test('the pseudo-header counts: other addresses fail the checksum', () => {
    expect(parseUdp(DATAGRAM, SRC, DST + 1)).toBe('udp-bad-checksum');
    expect(parseUdp(DATAGRAM, SRC + 0x100, DST)).toBe('udp-bad-checksum');
  });

  test('a flipped bit fails the checksum', () => {
    for (const i of [0, 3, 5, 7, 8, 10]) {
      const b = DATAGRAM.slice();
      b[i] ^= 0x04;
      // Bits in the length field make the length wrong first.
      expect(['udp-bad-checksum', 'udp-bad-length']).toContain(parseUdp(b, SRC, DST));
    }
    const b = DATAGRAM.slice();
    b[10] ^= 1;
    expect(parseUdp(b, SRC, DST)).toBe('udp-bad-checksum');
  });

  test('checksum 0 means none was sent', () => {
    const b = DATAGRAM.slice();
    b[6] = 0;
    b[7] = 0;
    b[10] = 0x3f;
    expect(toHex(parsed(b).payload)).toBe('68 69 3f');
  });

  test('truncated below 8 bytes; shorter than the length field is a bad length', () => {
    for (let n = 0; n < 8; n++) expect(parseUdp(DATAGRAM.subarray(0, n), SRC, DST)).toBe('udp-truncated');
    for (let n = 8; n < 11; n++) expect(parseUdp(DATAGRAM.subarray(0, n), SRC, DST)).toBe('udp-bad-length');
  });

  test('a length field below 8 is a bad length', () => {
    for (const len of [0, 1, 7]) {
      const b = DATAGRAM.slice();
      b[5] = len;
      expect(parseUdp(b, SRC, DST)).toBe('udp-bad-length');
    }
  });

  test('bytes after the length field are not payload', () => {
    const b = new Uint8Array(20);
    b.set(DATAGRAM);
    b.fill(0x77, 11);
    const d = parsed(b);
    expect(d.length).toBe(11);
    expect(toHex(d.payload)).toBe('68 69 21');
  });
});

describe('emitUdp', () => {
  test('reproduces the hand-checked datagram', () => {
    const buf = new Uint8Array(13);
    expect(emitUdp(5353, 7, ascii('hi!'), SRC, DST, buf, 2)).toBe(11);
    expect(toHex(buf.subarray(2))).toBe(toHex(DATAGRAM));
  });

  test('a checksum that computes to 0 is sent as 0xffff', () => {
    // Choose the 2 payload bytes so that the whole sum is 0xffff (checksum 0).
    const head = hex('00 35 00 35 00 0a 00 00');
    const rest = referenceSum(head, referencePseudoSum(SRC, DST, 17, 10));
    const word = ~rest & 0xffff;
    const payload = new Uint8Array([word >> 8, word & 0xff]);
    const buf = new Uint8Array(10);
    emitUdp(53, 53, payload, SRC, DST, buf, 0);
    expect(toHex(buf.subarray(6, 8))).toBe('ff ff');
    expect(parsed(buf).srcPort).toBe(53);
  });

  test('round trip for random datagrams', () => {
    fc.assert(
      fc.property(arbU16, arbU16, arbPayload(100), arbIpv4, arbIpv4, (srcPort, dstPort, payload, src, dst) => {
        const buf = new Uint8Array(8 + payload.length);
        emitUdp(srcPort, dstPort, payload, src, dst, buf, 0);
        expect(referenceSum(buf, referencePseudoSum(src, dst, 17, buf.length))).toBe(0xffff);
        expect({ ...parsed(buf, src, dst) }).toEqual({ srcPort, dstPort, length: buf.length, payload });
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
