import fc from 'fast-check';
import {
  ICMP_DEST_UNREACHABLE,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_PORT_UNREACHABLE,
  ICMP_PROTOCOL_UNREACHABLE,
  emitIcmp,
  emitIcmpEcho,
  emitIcmpUnreachable,
  icmpUnreachableLength,
  parseIcmp,
  type IcmpMessage,
} from '../../src/net/wire/icmp.js';
import { arbPayload, arbU16, arbU32, arbU8, ascii, embed, hex, isInside, referenceSum, toHex } from './helpers.js';

// Windows' first ping: id 1, sequence 1, 32 bytes "abcdefghijklmnopqrstuvwabcdefghi",
// checksum 0x4d5a (as seen in captures; re-derived with an independent one's-complement sum).
const WINDOWS_PING_PAYLOAD = ascii('abcdefghijklmnopqrstuvwabcdefghi');
const WINDOWS_PING = new Uint8Array([...hex('08 00 4d 5a 00 01 00 01'), ...WINDOWS_PING_PAYLOAD]);

function parsed(b: Uint8Array): IcmpMessage {
  const m = parseIcmp(b);
  if (typeof m === 'string') throw new Error(m);
  return m;
}

describe('constants', () => {
  test('RFC 792 numbers', () => {
    expect([ICMP_ECHO_REPLY, ICMP_DEST_UNREACHABLE, ICMP_ECHO_REQUEST]).toEqual([0, 3, 8]);
    expect([ICMP_PROTOCOL_UNREACHABLE, ICMP_PORT_UNREACHABLE]).toEqual([2, 3]);
  });
});

describe('parseIcmp', () => {
  test('decodes a captured echo request', () => {
    const input = embed(WINDOWS_PING);
    const m = parsed(input);
    expect({ ...m, payload: undefined }).toEqual({ type: 8, code: 0, ident: 1, sequence: 1, rest: 0x00010001, payload: undefined });
    expect(toHex(m.payload)).toBe(toHex(WINDOWS_PING_PAYLOAD));
    expect(isInside(m.payload, input)).toBe(true);
  });

  test('a flipped bit anywhere fails the checksum', () => {
    for (let i = 0; i < WINDOWS_PING.length; i++) {
      const b = WINDOWS_PING.slice();
      b[i] ^= 0x10;
      expect(parseIcmp(b)).toBe('icmp-bad-checksum');
    }
  });

  test('truncated below 8 bytes; shorter than sent fails the checksum', () => {
    for (let n = 0; n < 8; n++) expect(parseIcmp(WINDOWS_PING.subarray(0, n))).toBe('icmp-truncated');
    // The payload bytes are all non-zero, so dropping any tail changes the sum.
    for (let n = 8; n < WINDOWS_PING.length; n++) expect(parseIcmp(WINDOWS_PING.subarray(0, n))).toBe('icmp-bad-checksum');
  });
});

describe('emitIcmpEcho', () => {
  test('reproduces the captured request and returns its length', () => {
    const buf = new Uint8Array(42);
    expect(emitIcmpEcho(ICMP_ECHO_REQUEST, 1, 1, WINDOWS_PING_PAYLOAD, buf, 2)).toBe(40);
    expect(toHex(buf.subarray(2))).toBe(toHex(WINDOWS_PING));
  });

  test('the reply differs only in type and checksum (+0x0800)', () => {
    const buf = new Uint8Array(40);
    emitIcmpEcho(ICMP_ECHO_REPLY, 1, 1, WINDOWS_PING_PAYLOAD, buf, 0);
    expect(toHex(buf.subarray(0, 8))).toBe('00 00 55 5a 00 01 00 01');
  });

  test('a payload already in place (echo answered in the same buffer) is left intact', () => {
    const buf = WINDOWS_PING.slice();
    const n = emitIcmpEcho(ICMP_ECHO_REPLY, 1, 1, buf.subarray(8), buf, 0);
    expect(n).toBe(40);
    expect(toHex(buf.subarray(8))).toBe(toHex(WINDOWS_PING_PAYLOAD));
    expect(parsed(buf).type).toBe(ICMP_ECHO_REPLY);
  });

  test('round trip for random echoes (odd lengths included)', () => {
    fc.assert(
      fc.property(fc.constantFrom(ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY), arbU16, arbU16, arbPayload(99), (type, ident, sequence, payload) => {
        const buf = new Uint8Array(8 + payload.length);
        emitIcmpEcho(type, ident, sequence, payload, buf, 0);
        expect(referenceSum(buf)).toBe(0xffff);
        expect({ ...parsed(buf) }).toEqual({ type, code: 0, ident, sequence, rest: ((ident << 16) | sequence) >>> 0, payload });
        return true;
      }),
      { numRuns: 200 },
    );
  });

  test('emitIcmp round trip for any type, code and rest', () => {
    fc.assert(
      fc.property(arbU8, arbU8, arbU32, arbPayload(40), (type, code, rest, payload) => {
        const buf = new Uint8Array(8 + payload.length);
        expect(emitIcmp(type, code, rest, payload, buf, 0)).toBe(buf.length);
        const m = parsed(buf);
        return m.type === type && m.code === code && m.rest === rest && m.ident === rest >>> 16 && m.sequence === (rest & 0xffff);
      }),
      { numRuns: 200 },
    );
  });
});

describe('emitIcmpUnreachable', () => {
  // A UDP datagram 198.18.0.1:1234 -> 198.18.0.2:9 with 12 payload bytes.
  const original = hex(`
    45 00 00 28 00 01 00 00 40 11 00 00 c6 12 00 01 c6 12 00 02
    04 d2 00 09 00 14 00 00
    01 02 03 04 05 06 07 08 09 0a 0b 0c`);

  test('quotes the IP header and the first 8 payload bytes', () => {
    const buf = new Uint8Array(40).fill(0xee);
    expect(icmpUnreachableLength(original)).toBe(36);
    const n = emitIcmpUnreachable(ICMP_PORT_UNREACHABLE, original, buf, 0);
    expect(n).toBe(36);
    const m = parsed(buf.subarray(0, n));
    expect([m.type, m.code, m.rest]).toEqual([ICMP_DEST_UNREACHABLE, ICMP_PORT_UNREACHABLE, 0]);
    expect(toHex(m.payload)).toBe(toHex(original.subarray(0, 28)));
    expect(toHex(buf.subarray(36))).toBe('ee ee ee ee');
  });

  test('a header with options is quoted whole, plus 8 bytes', () => {
    const withOptions = new Uint8Array(40);
    withOptions.set(hex('46 00 00 28'));
    expect(icmpUnreachableLength(withOptions)).toBe(8 + 24 + 8);
  });

  test('a datagram shorter than header + 8 is quoted entirely', () => {
    const short = original.subarray(0, 24);
    const buf = new Uint8Array(64);
    const n = emitIcmpUnreachable(ICMP_PROTOCOL_UNREACHABLE, short, buf, 0);
    expect(n).toBe(32);
    expect(toHex(parsed(buf.subarray(0, n)).payload)).toBe(toHex(short));
  });
});
