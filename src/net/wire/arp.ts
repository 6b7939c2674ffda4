/** ARP for IPv4 over Ethernet (RFC 826). Other hardware or protocol types are not ours. */
import { readU16, writeU16 } from './bytes.js';
import { ETHERTYPE_IPV4 } from './ethernet.js';
import { ipv4FromBytes, writeIpv4 } from './ipv4-address.js';
import type { ArpDropReason } from './reasons.js';

export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;
export const ARP_PACKET_LEN = 28;
/** Hardware type Ethernet. */
export const ARP_HTYPE_ETHERNET = 1;

export interface ArpPacket {
  /** Reported as found (1 request, 2 reply; others are for the caller to drop). */
  op: number;
  /** Views into the input: copy before keeping (e.g. in the ARP cache). */
  senderMac: Uint8Array;
  senderIp: number;
  targetMac: Uint8Array;
  targetIp: number;
}

/** Parses an ARP packet (the Ethernet payload; trailing padding is ignored). */
export function parseArp(buf: Uint8Array): ArpPacket | ArpDropReason {
  if (buf.length < ARP_PACKET_LEN) return 'arp-truncated';
  if (readU16(buf, 0) !== ARP_HTYPE_ETHERNET || readU16(buf, 2) !== ETHERTYPE_IPV4 || buf[4] !== 6 || buf[5] !== 4) {
    return 'arp-unsupported';
  }
  return {
    op: readU16(buf, 6),
    senderMac: buf.subarray(8, 14),
    senderIp: ipv4FromBytes(buf, 14),
    targetMac: buf.subarray(18, 24),
    targetIp: ipv4FromBytes(buf, 24),
  };
}

/** Writes the 28-byte packet; returns 28. */
export function emitArp(p: ArpPacket, buf: Uint8Array, offset: number): number {
  writeU16(buf, offset, ARP_HTYPE_ETHERNET);
  writeU16(buf, offset + 2, ETHERTYPE_IPV4);
  buf[offset + 4] = 6;
  buf[offset + 5] = 4;
  writeU16(buf, offset + 6, p.op);
  for (let i = 0; i < 6; i++) {
    buf[offset + 8 + i] = p.senderMac[i];
    buf[offset + 18 + i] = p.targetMac[i];
  }
  writeIpv4(p.senderIp, buf, offset + 14);
  writeIpv4(p.targetIp, buf, offset + 24);
  return ARP_PACKET_LEN;
}
