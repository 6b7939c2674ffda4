/** Ethernet II framing (no FCS: MACs strip it on receive and add it on send). */
import { readU16, writeU16 } from './bytes.js';
import type { EthernetDropReason } from './reasons.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERNET_HEADER_LEN = 14;
export const MAC_LEN = 6;

/** ff:ff:ff:ff:ff:ff. Shared: never write into it. */
export const BROADCAST_MAC: Uint8Array = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

export interface EthernetFrame {
  /** Views into the frame: copy them to keep them beyond the frame's life. */
  dst: Uint8Array;
  src: Uint8Array;
  /** Reported as found; a VLAN tag (0x8100) or an 802.3 length (< 0x0600) is not decoded. */
  ethertype: number;
  /** Everything after the header, Ethernet padding included (IPv4 trims it). */
  payload: Uint8Array;
}

export function parseEthernet(frame: Uint8Array): EthernetFrame | EthernetDropReason {
  if (frame.length < ETHERNET_HEADER_LEN) return 'eth-truncated';
  return {
    dst: frame.subarray(0, 6),
    src: frame.subarray(6, 12),
    ethertype: readU16(frame, 12),
    payload: frame.subarray(ETHERNET_HEADER_LEN),
  };
}

/** Writes the 14-byte header; returns 14. */
export function emitEthernetHeader(dst: Uint8Array, src: Uint8Array, ethertype: number, buf: Uint8Array, offset: number): number {
  for (let i = 0; i < MAC_LEN; i++) {
    buf[offset + i] = dst[i];
    buf[offset + MAC_LEN + i] = src[i];
  }
  writeU16(buf, offset + 12, ethertype);
  return ETHERNET_HEADER_LEN;
}

/** Compares the 6 bytes of `a` at `aOffset` with the first 6 of `b`; false if either is short. */
export function macEquals(a: Uint8Array, b: Uint8Array, aOffset = 0): boolean {
  if (aOffset < 0 || a.length < aOffset + MAC_LEN || b.length < MAC_LEN) return false;
  for (let i = 0; i < MAC_LEN; i++) if (a[aOffset + i] !== b[i]) return false;
  return true;
}

export function isBroadcastMac(m: Uint8Array, offset = 0): boolean {
  return macEquals(m, BROADCAST_MAC, offset);
}

/** Group bit set (the least significant bit of the first byte); broadcast included. */
export function isMulticastMac(m: Uint8Array, offset = 0): boolean {
  return m.length > offset && offset >= 0 && (m[offset] & 1) === 1;
}

function hex2(n: number): string {
  return (n < 16 ? '0' : '') + n.toString(16);
}

/** "02:00:00:00:00:02" (lower case). */
export function formatMac(m: Uint8Array): string {
  let s = hex2(m[0]);
  for (let i = 1; i < MAC_LEN; i++) s += ':' + hex2(m[i]);
  return s;
}

const MAC_PATTERN = /^([0-9a-fA-F]{2})([:-])([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})$/;

/** Six two-digit hex groups separated by ':' or (consistently) '-'; undefined otherwise. */
export function parseMac(s: string): Uint8Array | undefined {
  const m = MAC_PATTERN.exec(s);
  if (m === null) return undefined;
  return new Uint8Array([m[1], m[3], m[4], m[5], m[6], m[7]].map((h) => parseInt(h, 16)));
}
