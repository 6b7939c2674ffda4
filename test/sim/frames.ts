/** Frame helpers for the simulated-LAN tests (not a test file itself). */
import type { MacDriver } from '../../src/host/mac.js';

export const BROADCAST = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
/** IEEE "local experimental" EtherType: no real protocol is implied. */
export const TEST_ETHERTYPE = 0x88b5;

/** A locally administered unicast MAC 02:00:00:00:00:<last>. */
export function mac(last: number): Uint8Array {
  return new Uint8Array([0x02, 0, 0, 0, 0, last]);
}

/** An Ethernet II frame carrying a 32-bit sequence number right after the header. */
export function testFrame(dst: Uint8Array, src: Uint8Array, seq: number, length = 60): Uint8Array {
  const f = new Uint8Array(length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = TEST_ETHERTYPE >> 8;
  f[13] = TEST_ETHERTYPE & 0xff;
  new DataView(f.buffer).setUint32(14, seq >>> 0);
  for (let i = 18; i < length; i++) f[i] = i & 0xff;
  return f;
}

export function seqOf(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(14);
}

/** Takes every waiting frame (bounded). */
export function drain(mac: MacDriver, max = 100_000): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < max; i++) {
    const f = mac.receive();
    if (f === undefined) break;
    out.push(f);
  }
  return out;
}
