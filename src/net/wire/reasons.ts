/**
 * Why a codec rejected its input. The readers of the hot path (`readIpv4`, `readTcp`)
 * return a numeric code (0 = accepted) so that counting a drop builds no string; the
 * convenience parsers return the code's name. Names are kebab-case with the layer as
 * their prefix and are stable: renaming one renames a counter (`<layer>.drop.<name>`).
 * The code of a name is its index in DROP_REASONS plus one.
 */
export const DROP_REASONS = [
  'eth-truncated',
  'arp-truncated',
  'arp-unsupported',
  'ipv4-truncated',
  'ipv4-bad-version',
  'ipv4-bad-header-length',
  'ipv4-bad-total-length',
  'ipv4-bad-checksum',
  'icmp-truncated',
  'icmp-bad-checksum',
  'udp-truncated',
  'udp-bad-length',
  'udp-bad-checksum',
  'tcp-truncated',
  'tcp-bad-header-length',
  'tcp-bad-checksum',
  'tcp-bad-option',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/** Numeric codes of DROP_REASONS (index + 1); 0 means the input was accepted. */
export const DROP_NONE = 0;
export const DROP_ETH_TRUNCATED = 1;
export const DROP_ARP_TRUNCATED = 2;
export const DROP_ARP_UNSUPPORTED = 3;
export const DROP_IPV4_TRUNCATED = 4;
export const DROP_IPV4_BAD_VERSION = 5;
export const DROP_IPV4_BAD_HEADER_LENGTH = 6;
export const DROP_IPV4_BAD_TOTAL_LENGTH = 7;
export const DROP_IPV4_BAD_CHECKSUM = 8;
export const DROP_ICMP_TRUNCATED = 9;
export const DROP_ICMP_BAD_CHECKSUM = 10;
export const DROP_UDP_TRUNCATED = 11;
export const DROP_UDP_BAD_LENGTH = 12;
export const DROP_UDP_BAD_CHECKSUM = 13;
export const DROP_TCP_TRUNCATED = 14;
export const DROP_TCP_BAD_HEADER_LENGTH = 15;
export const DROP_TCP_BAD_CHECKSUM = 16;
export const DROP_TCP_BAD_OPTION = 17;

/** The name of a non-zero drop code. */
export function dropReasonName(code: number): DropReason {
  return DROP_REASONS[code - 1];
}

const codes: ReadonlyMap<string, number> = new Map(DROP_REASONS.map((name, i) => [name, i + 1]));

/** The code of a drop reason's name (for the parsers of the cold path, which return names). */
export function dropReasonCode(name: DropReason): number {
  return codes.get(name)!;
}

/** The reasons one layer's parser can return (a subset of DropReason). */
export type EthernetDropReason = Extract<DropReason, `eth-${string}`>;
export type ArpDropReason = Extract<DropReason, `arp-${string}`>;
export type Ipv4DropReason = Extract<DropReason, `ipv4-${string}`>;
export type IcmpDropReason = Extract<DropReason, `icmp-${string}`>;
export type UdpDropReason = Extract<DropReason, `udp-${string}`>;
export type TcpDropReason = Extract<DropReason, `tcp-${string}`>;


/** True for the strings in DROP_REASONS. */
export function isDropReason(value: unknown): value is DropReason {
  return typeof value === 'string' && codes.has(value);
}
