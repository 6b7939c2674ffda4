import fc from 'fast-check';
import {
  BROADCAST_MAC,
  ETHERNET_HEADER_LEN,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_VLAN,
  emitEthernetHeader,
  formatMac,
  isBroadcastMac,
  isMulticastMac,
  macEquals,
  parseEthernet,
  parseMac,
} from '../../src/net/wire/ethernet.js';
import { arbMac, arbPayload, arbU16, embed, hex, isInside, toHex } from './helpers.js';

// A broadcast ARP request frame header: dst ff..ff, src 02:00:00:00:00:01, type 0806.
const ARP_FRAME_HEADER = 'ff ff ff ff ff ff 02 00 00 00 00 01 08 06';

describe('constants', () => {
  test('EtherTypes and header length are the IEEE values', () => {
    expect([ETHERTYPE_IPV4, ETHERTYPE_ARP, ETHERTYPE_IPV6, ETHERTYPE_VLAN]).toEqual([0x0800, 0x0806, 0x86dd, 0x8100]);
    expect(ETHERNET_HEADER_LEN).toBe(14);
    expect(toHex(BROADCAST_MAC)).toBe('ff ff ff ff ff ff');
  });
});

describe('parseEthernet', () => {
  test('splits a frame into addresses, type and payload views', () => {
    const frame = embed(hex(`${ARP_FRAME_HEADER} 00 01 08 00`));
    const eth = parseEthernet(frame);
    if (typeof eth === 'string') throw new Error(eth);
    expect(toHex(eth.dst)).toBe('ff ff ff ff ff ff');
    expect(toHex(eth.src)).toBe('02 00 00 00 00 01');
    expect(eth.ethertype).toBe(ETHERTYPE_ARP);
    expect(toHex(eth.payload)).toBe('00 01 08 00');
    for (const v of [eth.dst, eth.src, eth.payload]) expect(isInside(v, frame)).toBe(true);
  });

  test('a bare header has an empty payload', () => {
    const eth = parseEthernet(hex(ARP_FRAME_HEADER));
    expect(typeof eth !== 'string' && eth.payload.length).toBe(0);
  });

  test('truncated at every length below 14', () => {
    const frame = hex(ARP_FRAME_HEADER);
    for (let n = 0; n < 14; n++) expect(parseEthernet(frame.subarray(0, n))).toBe('eth-truncated');
  });

  test('a VLAN tag is reported as the EtherType, not decoded', () => {
    const eth = parseEthernet(hex('ff ff ff ff ff ff 02 00 00 00 00 01 81 00 00 05 08 00'));
    expect(typeof eth !== 'string' && eth.ethertype).toBe(ETHERTYPE_VLAN);
  });
});

describe('emitEthernetHeader', () => {
  test('writes dst, src and type at the offset and returns 14', () => {
    const buf = new Uint8Array(20).fill(0xee);
    const n = emitEthernetHeader(BROADCAST_MAC, hex('02 00 00 00 00 01'), ETHERTYPE_ARP, buf, 3);
    expect(n).toBe(14);
    expect(toHex(buf)).toBe(`ee ee ee ${ARP_FRAME_HEADER} ee ee ee`);
  });

  test('round trip with parseEthernet', () => {
    fc.assert(
      fc.property(arbMac, arbMac, arbU16, arbPayload(), (dst, src, type, payload) => {
        const buf = new Uint8Array(14 + payload.length);
        emitEthernetHeader(dst, src, type, buf, 0);
        buf.set(payload, 14);
        const eth = parseEthernet(buf);
        if (typeof eth === 'string') return false;
        expect({ ...eth }).toEqual({ dst, src, ethertype: type, payload });
        return true;
      }),
      { numRuns: 200 },
    );
  });
});

describe('MAC helpers', () => {
  const mac = hex('02 00 00 00 00 02');

  test('macEquals compares 6 bytes, optionally at an offset in the first argument', () => {
    expect(macEquals(mac, hex('02 00 00 00 00 02'))).toBe(true);
    expect(macEquals(mac, hex('02 00 00 00 00 03'))).toBe(false);
    expect(macEquals(hex('aa bb 02 00 00 00 00 02'), mac, 2)).toBe(true);
    expect(macEquals(hex('aa bb 02 00 00 00 00 02'), mac, 1)).toBe(false);
    // Too short on either side: false, never a read past the end.
    expect(macEquals(hex('02 00 00 00 00 02'), mac, 1)).toBe(false);
    expect(macEquals(hex('02 00 00 00 00'), mac)).toBe(false);
    expect(macEquals(mac, hex('02 00 00'))).toBe(false);
  });

  test('broadcast and multicast', () => {
    expect(isBroadcastMac(BROADCAST_MAC)).toBe(true);
    expect(isBroadcastMac(hex('ff ff ff ff ff fe'))).toBe(false);
    expect(isBroadcastMac(hex('00 ff ff ff ff ff ff'), 1)).toBe(true);
    expect(isMulticastMac(BROADCAST_MAC)).toBe(true);
    expect(isMulticastMac(hex('01 00 5e 00 00 fb'))).toBe(true);
    expect(isMulticastMac(hex('33 33 00 00 00 01'))).toBe(true);
    expect(isMulticastMac(mac)).toBe(false);
    expect(isMulticastMac(new Uint8Array(0))).toBe(false);
  });

  test('formatMac gives lower-case colon-separated pairs', () => {
    expect(formatMac(mac)).toBe('02:00:00:00:00:02');
    expect(formatMac(hex('de ad BE EF 0a ff'))).toBe('de:ad:be:ef:0a:ff');
  });

  test('parseMac accepts colon or dash separated hex pairs, any case', () => {
    expect(toHex(parseMac('02:00:00:00:00:02')!)).toBe('02 00 00 00 00 02');
    expect(toHex(parseMac('DE-AD-be-ef-0A-FF')!)).toBe('de ad be ef 0a ff');
  });

  test.each(['', '02:00:00:00:00', '02:00:00:00:00:02:03', '2:00:00:00:00:02', '002:00:00:00:00:02',
    '02:00-00:00:00:02', '02.00.00.00.00.02', 'g2:00:00:00:00:02', ' 02:00:00:00:00:02', '020000000002'])(
    'parseMac rejects %p', (s) => {
      expect(parseMac(s)).toBeUndefined();
    });

  test('formatMac and parseMac are inverses', () => {
    fc.assert(
      fc.property(arbMac, (m) => toHex(parseMac(formatMac(m))!) === toHex(m)),
      { numRuns: 200 },
    );
  });
});
