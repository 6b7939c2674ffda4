import fc from 'fast-check';
import {
  TCP_ACK,
  TCP_CWR,
  TCP_ECE,
  TCP_FIN,
  TCP_HEADER_LEN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  TCP_URG,
  emitTcp,
  parseTcp,
  seqLen,
  tcpHeaderLength,
  tcpOptionsLength,
  type TcpOptions,
  type TcpSegment,
  type TcpSegmentFields,
} from '../../src/net/wire/tcp.js';
import { arbIpv4, arbPayload, arbU16, arbU32, arbU8, embed, hex, isInside, referencePseudoSum, referenceSum, toHex } from './helpers.js';

const SRC = 0xc6120001; // 198.18.0.1
const DST = 0xc6120002; // 198.18.0.2

/**
 * A SYN 40000 -> 80, seq 0x01020304, window 64240, options MSS 1460, NOP+WS 7,
 * SACK-permitted + timestamps (val 1, ecr 0). Checksum by hand: pseudo-header 0x8c56
 * (checksum.test.ts); header words 9c40+0050+0102+0304+a002+faf0+0204+05b4+0103+0307+0402
 * +080a+0001 = 0x25357 -> 0x5359; 0x5359 + 0x8c56 = 0xdfaf; ~ = 0x2050.
 */
const SYN = hex(`
  9c 40 00 50  01 02 03 04  00 00 00 00  a0 02 fa f0  20 50 00 00
  02 04 05 b4  01 03 03 07  04 02 08 0a  00 00 00 01  00 00 00 00`);
const SYN_FIELDS: TcpSegmentFields = {
  srcPort: 40000, dstPort: 80, seq: 0x01020304, ack: 0, flags: TCP_SYN, window: 64240, urgent: 0,
  options: { mss: 1460, windowScale: 7, sackPermitted: true, tsVal: 1, tsEcr: 0 },
};

function parsed(b: Uint8Array, verify = true): TcpSegment {
  const s = parseTcp(b, SRC, DST, verify);
  if (typeof s === 'string') throw new Error(s);
  return s;
}

/** A header with the given option bytes (padded with EOL to a word), checksum left 0. */
function withOptions(optionHex: string, payloadHex = ''): Uint8Array {
  const opts = hex(optionHex);
  const optLen = (opts.length + 3) & ~3;
  const payload = hex(payloadHex);
  const b = new Uint8Array(20 + optLen + payload.length);
  b.set(hex('9c 40 00 50 00 00 00 01 00 00 00 00 00 10 ff ff 00 00 00 00'));
  b[12] = ((20 + optLen) / 4) << 4;
  b.set(opts, 20);
  b.set(payload, 20 + optLen);
  return b;
}

function optionsOf(optionHex: string): TcpOptions | string {
  const s = parseTcp(withOptions(optionHex), SRC, DST, false);
  return typeof s === 'string' ? s : s.options;
}

describe('constants', () => {
  test('flag bits and header length', () => {
    expect([TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK, TCP_URG, TCP_ECE, TCP_CWR]).toEqual([1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80]);
    expect(TCP_HEADER_LEN).toBe(20);
  });
});

describe('parseTcp', () => {
  test('decodes the hand-checked SYN', () => {
    const input = embed(SYN);
    const s = parsed(input);
    expect({ ...s, payload: undefined }).toEqual({ ...SYN_FIELDS, headerLength: 40, payload: undefined });
    expect(s.payload.length).toBe(0);
    expect(isInside(s.payload, input)).toBe(true);
  });

  test('the checksum covers the pseudo-header, header and payload', () => {
    expect(parseTcp(SYN, SRC, DST ^ 1)).toBe('tcp-bad-checksum');
    for (let i = 0; i < SYN.length; i++) {
      const b = SYN.slice();
      b[i] ^= 0x80;
      // A flipped data-offset bit can make the header length wrong first.
      const r = parseTcp(b, SRC, DST);
      expect(i === 12 ? ['tcp-bad-header-length', 'tcp-bad-checksum'] : ['tcp-bad-checksum']).toContain(r);
    }
  });

  test('verifyChecksum=false skips the check', () => {
    const b = SYN.slice();
    b[16] ^= 0xff;
    expect(parsed(b, false).seq).toBe(0x01020304);
  });

  test('payload follows the options and is a view', () => {
    const b = embed(withOptions('02 04 05 b4', 'de ad be ef 01'));
    const s = parseTcp(b, SRC, DST, false);
    if (typeof s === 'string') throw new Error(s);
    expect(s.headerLength).toBe(24);
    expect(toHex(s.payload)).toBe('de ad be ef 01');
    expect(isInside(s.payload, b)).toBe(true);
  });

  test('truncated: below 20 bytes, then within the options (bad header length)', () => {
    for (let n = 0; n < 20; n++) expect(parseTcp(SYN.subarray(0, n), SRC, DST)).toBe('tcp-truncated');
    for (let n = 20; n < 40; n++) expect(parseTcp(SYN.subarray(0, n), SRC, DST, false)).toBe('tcp-bad-header-length');
  });

  test.each([0, 1, 4])('data offset %i (< 5) is a bad header length', (offset) => {
    const b = SYN.slice();
    b[12] = offset << 4;
    expect(parseTcp(b, SRC, DST, false)).toBe('tcp-bad-header-length');
  });

  test('data offset past the segment is a bad header length', () => {
    const b = SYN.slice();
    b[12] = 11 << 4;
    expect(parseTcp(b, SRC, DST, false)).toBe('tcp-bad-header-length');
  });

  test('the four reserved bits next to the data offset are ignored', () => {
    const b = withOptions('');
    b[12] |= 0x0f;
    expect(parsed(b, false).headerLength).toBe(20);
  });
});

describe('TCP options', () => {
  test('Linux\'s SYN layout: MSS, SACK-permitted + timestamps, NOP, window scale', () => {
    expect(optionsOf('02 04 05 b4 04 02 08 0a 00 01 e2 40 00 00 00 00 01 03 03 07')).toEqual({
      mss: 1460, sackPermitted: true, tsVal: 123456, tsEcr: 0, windowScale: 7,
    });
  });

  test('SACK with 1 and 4 blocks', () => {
    expect(optionsOf('01 01 05 0a 00 00 10 00 00 00 20 00')).toEqual({ sackBlocks: [0x1000, 0x2000] });
    expect(optionsOf(`01 01 05 22 ${'ff ff ff f0 ff ff ff ff '.repeat(4)}`)).toEqual({
      sackBlocks: [0xfffffff0, 0xffffffff, 0xfffffff0, 0xffffffff, 0xfffffff0, 0xffffffff, 0xfffffff0, 0xffffffff],
    });
  });

  test('no options, and only NOPs, give an empty set', () => {
    expect(optionsOf('')).toEqual({});
    expect(optionsOf('01 01 01 01')).toEqual({});
  });

  test('EOL ends the list: anything after it is ignored', () => {
    expect(optionsOf('02 04 05 b4 00 ff 00 02')).toEqual({ mss: 1460 });
    expect(optionsOf('00 02 04 05')).toEqual({});
  });

  test('unknown kinds are skipped by their length', () => {
    // Kind 30 (MPTCP) length 4, kind 254 (experimental) length 6, then MSS.
    expect(optionsOf('1e 04 aa bb fe 06 01 02 03 04 02 04 02 18')).toEqual({ mss: 536 });
    // Length 2: no data at all.
    expect(optionsOf('fd 02 03 03 0e')).toEqual({ windowScale: 14 });
  });

  test.each([
    ['zero length', 'fe 00 00 00'],
    ['length 1', 'fe 01 00 00'],
    ['zero-length known kind', '02 00 05 b4'],
    ['unknown option running past the header', '01 01 fe 08'],
    ['MSS running past the header', '01 01 01 01 01 01 02 04'],
    ['kind without its length byte at the end', '01 01 01 02'],
    ['MSS of length 3', '02 03 05 01'],
    ['MSS of length 6', '02 06 05 b4 00 00 00 00'],
    ['window scale of length 4', '03 04 07 00'],
    ['window scale of length 2', '03 02 01 01'],
    ['SACK-permitted of length 3', '04 03 00 00'],
    ['timestamps of length 8', '08 08 00 00 00 01 00 00'],
    ['timestamps of length 12', '08 0c 00 00 00 01 00 00 00 00 00 00'],
    ['SACK without blocks', '05 02 00 00'],
    ['SACK with a partial block', '05 09 00 00 00 01 00 00 00 02 00 00'],
    ['SACK of 5 blocks (42 bytes) runs past any header', `05 2a ${'00 '.repeat(38)}`],
  ])('%s is a bad option', (_name, optionHex) => {
    expect(optionsOf(optionHex)).toBe('tcp-bad-option');
  });

  test('a bad option is reported only after the checksum passed', () => {
    const b = withOptions('fe 00 00 00');
    expect(parseTcp(b, SRC, DST)).toBe('tcp-bad-checksum');
  });
});

describe('tcpOptionsLength', () => {
  test.each<[string, TcpOptions, number]>([
    ['none', {}, 0],
    ['MSS', { mss: 1460 }, 4],
    ['window scale', { windowScale: 0 }, 4],
    ['SACK-permitted', { sackPermitted: true }, 4],
    ['SACK-permitted false', { sackPermitted: false }, 0],
    ['timestamps', { tsVal: 1, tsEcr: 2 }, 12],
    ['Linux SYN set', { mss: 1460, windowScale: 7, sackPermitted: true, tsVal: 1, tsEcr: 0 }, 20],
    ['SACK 1 block', { sackBlocks: [1, 2] }, 12],
    ['SACK 4 blocks', { sackBlocks: [1, 2, 3, 4, 5, 6, 7, 8] }, 36],
    ['SACK 5 blocks asked, 4 sent', { sackBlocks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, 36],
    ['timestamps + 4 blocks asked: 3 fit', { tsVal: 1, tsEcr: 2, sackBlocks: [1, 2, 3, 4, 5, 6, 7, 8] }, 40],
    ['everything: 2 blocks fit', { mss: 1, windowScale: 1, sackPermitted: true, tsVal: 1, sackBlocks: [1, 2, 3, 4, 5, 6, 7, 8] }, 40],
    ['empty SACK list', { sackBlocks: [] }, 0],
  ])('%s', (_name, options, length) => {
    expect(tcpOptionsLength(options)).toBe(length);
    expect(tcpHeaderLength(options)).toBe(20 + length);
  });
});

describe('emitTcp', () => {
  test('reproduces the hand-checked SYN', () => {
    const buf = new Uint8Array(44).fill(0xee);
    expect(emitTcp(SYN_FIELDS, new Uint8Array(0), SRC, DST, buf, 2)).toBe(40);
    expect(toHex(buf)).toBe(`ee ee ${toHex(SYN)} ee ee`);
  });

  test('option layouts, byte for byte', () => {
    const cases: Array<[TcpOptions, string]> = [
      [{ sackPermitted: true }, '01 01 04 02'],
      [{ tsVal: 0x01020304, tsEcr: 0x05060708 }, '01 01 08 0a 01 02 03 04 05 06 07 08'],
      [{ sackBlocks: [0x10, 0x20] }, '01 01 05 0a 00 00 00 10 00 00 00 20'],
      [{ tsVal: 9, tsEcr: 8, sackBlocks: [1, 2, 3, 4, 5, 6, 7, 8] },
        '01 01 08 0a 00 00 00 09 00 00 00 08 01 01 05 1a 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 04 00 00 00 05 00 00 00 06'],
    ];
    for (const [options, expected] of cases) {
      const buf = new Uint8Array(80);
      const fields: TcpSegmentFields = { srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: TCP_ACK, window: 5, urgent: 0, options };
      const n = emitTcp(fields, new Uint8Array(0), SRC, DST, buf, 0);
      expect(toHex(buf.subarray(20, n))).toBe(expected);
      expect(buf[12] >> 4).toBe(n / 4);
    }
  });

  test('the checksum makes the segment plus pseudo-header sum to 0xffff', () => {
    const buf = new Uint8Array(25);
    const n = emitTcp({ ...SYN_FIELDS, flags: TCP_ACK | TCP_PSH, options: {} }, hex('01 02 03 04 05'), SRC, DST, buf, 0);
    expect(n).toBe(25);
    expect(referenceSum(buf, referencePseudoSum(SRC, DST, 6, 25))).toBe(0xffff);
  });

  test('a payload already in place is not copied over itself', () => {
    const buf = new Uint8Array(64);
    const payload = buf.subarray(24, 30);
    payload.set([1, 2, 3, 4, 5, 6]);
    const n = emitTcp({ ...SYN_FIELDS, options: { mss: 1460 } }, payload, SRC, DST, buf, 0);
    expect(n).toBe(30);
    expect(toHex(parsed(buf.subarray(0, n)).payload)).toBe('01 02 03 04 05 06');
  });

  const arbOptions: fc.Arbitrary<TcpOptions> = fc.record({
    mss: arbU16,
    windowScale: arbU8,
    sackPermitted: fc.constant(true),
    sackBlocks: fc.array(arbU32, { minLength: 2, maxLength: 10 }).map((a) => a.slice(0, a.length & ~1)),
    ts: fc.tuple(arbU32, arbU32),
  }, { requiredKeys: [] }).map(({ ts, ...rest }) => (ts === undefined ? rest : { ...rest, tsVal: ts[0], tsEcr: ts[1] }));

  /** What parse gives back: only the SACK blocks that fit are sent. */
  function expectedOptions(o: TcpOptions): TcpOptions {
    const out: TcpOptions = { ...o };
    if (o.sackBlocks !== undefined) {
      const others = (o.mss !== undefined ? 4 : 0) + (o.windowScale !== undefined ? 4 : 0)
        + (o.tsVal !== undefined ? 12 : o.sackPermitted ? 4 : 0);
      const blocks = Math.min(o.sackBlocks.length / 2, 4, Math.floor((40 - others - 4) / 8));
      if (blocks > 0) out.sackBlocks = o.sackBlocks.slice(0, blocks * 2);
      else delete out.sackBlocks;
    }
    return out;
  }

  test('round trip for random segments', () => {
    fc.assert(
      fc.property(arbU16, arbU16, arbU32, arbU32, arbU8, arbU16, arbU16, arbOptions, arbPayload(80), arbIpv4, arbIpv4,
        (srcPort, dstPort, seq, ack, flags, window, urgent, options, payload, src, dst) => {
          const fields: TcpSegmentFields = { srcPort, dstPort, seq, ack, flags, window, urgent, options };
          const headerLength = tcpHeaderLength(options);
          const buf = new Uint8Array(headerLength + payload.length);
          expect(emitTcp(fields, payload, src, dst, buf, 0)).toBe(buf.length);
          expect(headerLength % 4).toBe(0);
          expect(headerLength).toBeLessThanOrEqual(60);
          const s = parseTcp(buf, src, dst);
          expect(s).toEqual({ ...fields, options: expectedOptions(options), headerLength, payload });
          return true;
        }),
      { numRuns: 300 },
    );
  });
});

describe('seqLen', () => {
  test('payload plus one for SYN and one for FIN', () => {
    const p = new Uint8Array(10);
    expect(seqLen({ flags: TCP_ACK, payload: p })).toBe(10);
    expect(seqLen({ flags: TCP_SYN, payload: new Uint8Array(0) })).toBe(1);
    expect(seqLen({ flags: TCP_FIN | TCP_ACK, payload: p })).toBe(11);
    expect(seqLen({ flags: TCP_SYN | TCP_FIN, payload: p })).toBe(12);
    expect(seqLen({ flags: TCP_RST | TCP_PSH | TCP_URG, payload: p })).toBe(10);
  });
});
