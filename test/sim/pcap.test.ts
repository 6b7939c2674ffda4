import { captureMac, type CaptureDirection } from '../../hosts/common/capture.js';
import { PcapBuffer, PcapWriter, readPcap } from '../../hosts/common/pcap.js';
import { SimLan } from '../../hosts/sim/lan.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { BROADCAST, mac, seqOf, testFrame } from './frames.js';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

const EPOCH = 1_700_000_000_000; // 2023-11-14T22:13:20Z in ms

describe('pcap writer', () => {
  it('writes the classic microsecond file header, little-endian', () => {
    // magic a1b2c3d4, version 2.4, thiszone 0, sigfigs 0, snaplen 262144 (0x40000), linktype 1
    expect(hex(new PcapWriter().header())).toBe('d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 00 00 04 00 01 00 00 00');
  });

  it('writes the nanosecond magic and a chosen snaplen', () => {
    const header = new PcapWriter({ nanosecond: true, snaplen: 1514 }).header();
    // 1514 = 0x05ea
    expect(hex(header)).toBe('4d 3c b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 ea 05 00 00 01 00 00 00');
  });

  it('writes a record: ts_sec, ts_usec (rounded), incl_len, orig_len, then the frame', () => {
    const frame = testFrame(mac(2), mac(1), 1);
    const record = new PcapWriter({ epochMs: EPOCH }).record(1234.5678, frame);
    expect(record.length).toBe(16 + 60);
    // 1 700 000 001 s = 0x6553f101; 234.5678 ms = 234 567.8 µs -> 234 568 = 0x039448; 60 = 0x3c
    expect(hex(record.subarray(0, 16))).toBe('01 f1 53 65 48 94 03 00 3c 00 00 00 3c 00 00 00');
    expect(record.subarray(16)).toEqual(frame);
  });

  it('writes nanosecond records', () => {
    const record = new PcapWriter({ epochMs: EPOCH, nanosecond: true }).record(1234.5, testFrame(mac(2), mac(1), 1));
    // 234.5 ms = 234 500 000 ns = 0x0dfa2fa0
    expect(hex(record.subarray(0, 16))).toBe('01 f1 53 65 a0 2f fa 0d 3c 00 00 00 3c 00 00 00');
  });

  it('carries a fraction that rounds up to a whole second into ts_sec', () => {
    const record = new PcapWriter().record(1999.9999, testFrame(mac(2), mac(1), 1));
    // 1.9999999 s: 999 999.9 µs rounds to 1 000 000 -> 2 s, 0 µs
    expect(hex(record.subarray(0, 8))).toBe('02 00 00 00 00 00 00 00');
  });

  it('stores times before the epoch as 0', () => {
    const record = new PcapWriter().record(-5, testFrame(mac(2), mac(1), 1));
    expect(hex(record.subarray(0, 8))).toBe('00 00 00 00 00 00 00 00');
  });

  it('cuts frames longer than snaplen but keeps orig_len', () => {
    const frame = testFrame(mac(2), mac(1), 1, 100);
    const record = new PcapWriter({ snaplen: 32 }).record(0, frame);
    expect(record.length).toBe(16 + 32);
    expect(hex(record.subarray(8, 16))).toBe('20 00 00 00 64 00 00 00');
    expect(record.subarray(16)).toEqual(frame.subarray(0, 32));
  });

  it('rejects a bad snaplen or epoch', () => {
    expect(() => new PcapWriter({ snaplen: 0 })).toThrow(RangeError);
    expect(() => new PcapWriter({ snaplen: 1.5 })).toThrow(RangeError);
    expect(() => new PcapWriter({ epochMs: NaN })).toThrow(RangeError);
  });
});

describe('PcapBuffer and readPcap', () => {
  it('accumulates header + records, growing past its first allocation', () => {
    const writer = new PcapWriter({ epochMs: EPOCH });
    const buffer = new PcapBuffer({ epochMs: EPOCH });
    const parts: Uint8Array[] = [writer.header()];
    for (let i = 0; i < 20; i++) {
      const frame = testFrame(BROADCAST, mac(1), i, 1514);
      buffer.add(i * 0.25, frame);
      parts.push(writer.record(i * 0.25, frame));
    }
    const expected = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      expected.set(p, at);
      at += p.length;
    }
    expect(buffer.frameCount).toBe(20);
    expect(buffer.length).toBe(24 + 20 * (16 + 1514));
    expect(buffer.toBytes()).toEqual(expected);
  });

  it('reads back what it wrote: times, bytes and original lengths', () => {
    const buffer = new PcapBuffer({ epochMs: EPOCH, snaplen: 80 });
    buffer.add(0, testFrame(mac(2), mac(1), 0));
    buffer.add(1.5, testFrame(mac(1), mac(2), 1, 100));
    buffer.add(2000.25, testFrame(BROADCAST, mac(3), 2, 64));
    const records = readPcap(buffer.toBytes(), { epochMs: EPOCH });
    expect(records.map((r) => r.timestampMs)).toEqual([0, 1.5, 2000.25]);
    expect(records.map((r) => [r.frame.length, r.originalLength])).toEqual([
      [60, 60],
      [80, 100],
      [64, 64],
    ]);
    expect(records[0].frame).toEqual(testFrame(mac(2), mac(1), 0));
    expect(records[1].frame).toEqual(testFrame(mac(1), mac(2), 1, 100).subarray(0, 80));
  });

  it('reads nanosecond files', () => {
    const buffer = new PcapBuffer({ nanosecond: true });
    buffer.add(12.345678, testFrame(mac(2), mac(1), 0));
    const [record] = readPcap(buffer.toBytes());
    expect(record.timestampMs).toBeCloseTo(12.345678, 9);
  });

  it('reads a big-endian file built by hand', () => {
    const file = new Uint8Array(24 + 16 + 14);
    const view = new DataView(file.buffer);
    view.setUint32(0, 0xa1b2c3d4); // big-endian writer
    view.setUint16(4, 2);
    view.setUint16(6, 4);
    view.setUint32(16, 65535);
    view.setUint32(20, 1);
    view.setUint32(24, 3); // 3 s
    view.setUint32(28, 500); // 500 µs
    view.setUint32(32, 14);
    view.setUint32(36, 14);
    file.set(BROADCAST, 40);
    const records = readPcap(file);
    expect(records).toHaveLength(1);
    expect(records[0].timestampMs).toBe(3000.5);
    expect(records[0].frame.subarray(0, 6)).toEqual(BROADCAST);
  });

  it('throws on a file that is not pcap or is cut short', () => {
    expect(() => readPcap(new Uint8Array(10))).toThrow(RangeError);
    expect(() => readPcap(new Uint8Array(24))).toThrow(/magic/);
    const buffer = new PcapBuffer();
    buffer.add(0, testFrame(mac(2), mac(1), 0));
    const bytes = buffer.toBytes();
    expect(readPcap(bytes.subarray(0, 24))).toEqual([]);
    expect(() => readPcap(bytes.subarray(0, 30))).toThrow(/header cut/);
    expect(() => readPcap(bytes.subarray(0, bytes.length - 1))).toThrow(/data cut/);
  });
});

describe('captureMac', () => {
  it('records frames the driver accepts (out) and frames the stack takes (in), at clock time', () => {
    const clock = new VirtualClock(100);
    const lan = new SimLan({ clock, seed: 1 });
    const a = lan.attach({ macAddress: mac(1), egress: { delayMs: 4 } });
    const b = lan.attach({ macAddress: mac(2) });
    const seen: [number, number, CaptureDirection][] = [];
    const wrapped = captureMac(b, clock, (t, f, d) => seen.push([t, seqOf(f), d]));
    expect(wrapped.macAddress).toEqual(mac(2));
    let notified = 0;
    wrapped.setReceiveNotify(() => notified++);

    a.transmit(testFrame(mac(2), mac(1), 1));
    clock.advance(10); // delivered at 104, taken at 110
    expect(notified).toBe(1);
    expect(seen).toEqual([]); // not yet taken by the stack
    expect(seqOf(wrapped.receive()!)).toBe(1);
    expect(wrapped.receive()).toBeUndefined();

    expect(wrapped.transmit(testFrame(mac(1), mac(2), 2))).toBe(true);
    b.setLinkUp(false);
    expect(wrapped.linkUp()).toBe(false);
    expect(wrapped.transmit(testFrame(mac(1), mac(2), 3))).toBe(false); // refused: not captured
    expect(seen).toEqual([
      [110, 1, 'in'],
      [110, 2, 'out'],
    ]);
  });

  it('captures a LAN exchange into a pcap that reads back in order', () => {
    const clock = new VirtualClock();
    const lan = new SimLan({ clock, seed: 1 });
    const a = lan.attach({ macAddress: mac(1), egress: { delayMs: 1 } });
    const b = lan.attach({ macAddress: mac(2), egress: { delayMs: 1 } });
    const pcap = new PcapBuffer({ epochMs: EPOCH });
    const capA = captureMac(a, clock, pcap.sink);
    b.setReceiveNotify(() => {
      for (let f = b.receive(); f !== undefined; f = b.receive()) b.transmit(testFrame(mac(1), mac(2), seqOf(f) + 1000));
    });
    for (let i = 0; i < 3; i++) {
      capA.transmit(testFrame(mac(2), mac(1), i));
      clock.advance(5);
      while (capA.receive() !== undefined);
    }
    const records = readPcap(pcap.toBytes(), { epochMs: EPOCH });
    expect(records.map((r) => [r.timestampMs, seqOf(r.frame)])).toEqual([
      [0, 0],
      [5, 1000],
      [5, 1],
      [10, 1001],
      [10, 2],
      [15, 1002],
    ]);
  });

  it('produces identical pcap bytes for identical seeded runs', () => {
    const capture = (seed: number): Uint8Array => {
      const clock = new VirtualClock();
      const lan = new SimLan({ clock, seed });
      const impaired = { loss: 0.2, jitterMs: 2, corrupt: 0.1, duplicate: 0.1 };
      const a = lan.attach({ macAddress: mac(1), egress: impaired });
      const b = lan.attach({ macAddress: mac(2), egress: impaired });
      const pcap = new PcapBuffer({ nanosecond: true });
      lan.observe((e) => {
        if (e.kind === 'delivered') pcap.add(e.timeMs, e.frame);
      });
      for (let i = 0; i < 200; i++) {
        (i % 2 ? a : b).transmit(testFrame(i % 2 ? mac(2) : mac(1), i % 2 ? mac(1) : mac(2), i));
        clock.advance(0.3);
        while (a.receive() !== undefined);
        while (b.receive() !== undefined);
      }
      clock.advance(10);
      return pcap.toBytes();
    };
    const first = capture(5);
    expect(readPcap(first).length).toBeGreaterThan(150);
    expect(capture(5)).toEqual(first);
    expect(capture(6)).not.toEqual(first);
  });
});
