import fc from 'fast-check';
import { ARP_PACKET_LEN, ARP_REPLY, ARP_REQUEST, emitArp, parseArp } from '../../src/net/wire/arp.js';
import { arbIpv4, arbMac, arbU16, embed, hex, isInside, toHex } from './helpers.js';

// "Who has 198.18.0.2? Tell 198.18.0.1", as RFC 826 lays it out.
const REQUEST = hex(`
  00 01  08 00  06  04  00 01
  02 00 00 00 00 01  c6 12 00 01
  00 00 00 00 00 00  c6 12 00 02`);

describe('parseArp', () => {
  test('constants', () => {
    expect([ARP_REQUEST, ARP_REPLY, ARP_PACKET_LEN]).toEqual([1, 2, 28]);
  });

  test('decodes a request; MACs are views into the input', () => {
    const input = embed(REQUEST);
    const p = parseArp(input);
    if (typeof p === 'string') throw new Error(p);
    expect(p.op).toBe(ARP_REQUEST);
    expect(toHex(p.senderMac)).toBe('02 00 00 00 00 01');
    expect(p.senderIp).toBe(0xc6120001);
    expect(toHex(p.targetMac)).toBe('00 00 00 00 00 00');
    expect(p.targetIp).toBe(0xc6120002);
    expect(isInside(p.senderMac, input) && isInside(p.targetMac, input)).toBe(true);
  });

  test('Ethernet padding after the 28 bytes is ignored', () => {
    const padded = new Uint8Array(46);
    padded.set(REQUEST);
    const p = parseArp(padded);
    expect(typeof p !== 'string' && p.targetIp).toBe(0xc6120002);
  });

  test('truncated at every length below 28', () => {
    for (let n = 0; n < 28; n++) expect(parseArp(REQUEST.subarray(0, n))).toBe('arp-truncated');
  });

  test.each([
    ['hardware type 6 (IEEE 802)', 1, 0x06],
    ['protocol type IPv6', 2, 0x86],
    ['hardware length 8', 4, 8],
    ['protocol length 16', 5, 16],
  ])('rejects %s as unsupported', (_name, index, value) => {
    const b = REQUEST.slice();
    b[index] = value;
    expect(parseArp(b)).toBe('arp-unsupported');
  });
});

describe('emitArp', () => {
  test('writes the request byte for byte and returns 28', () => {
    const buf = new Uint8Array(30);
    const n = emitArp({
      op: ARP_REQUEST,
      senderMac: hex('02 00 00 00 00 01'),
      senderIp: 0xc6120001,
      targetMac: new Uint8Array(6),
      targetIp: 0xc6120002,
    }, buf, 2);
    expect(n).toBe(28);
    expect(toHex(buf.subarray(2))).toBe(toHex(REQUEST));
  });

  test('round trip for random packets', () => {
    fc.assert(
      fc.property(arbU16, arbMac, arbIpv4, arbMac, arbIpv4, (op, senderMac, senderIp, targetMac, targetIp) => {
        const p = { op, senderMac, senderIp, targetMac, targetIp };
        const buf = new Uint8Array(28);
        emitArp(p, buf, 0);
        expect({ ...(parseArp(buf) as object) }).toEqual(p);
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
