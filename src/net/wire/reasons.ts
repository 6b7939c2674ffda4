/**
 * Why a codec rejected its input. Callers test `typeof r === 'string'` and count the
 * string under the layer's drop counters, so every name is kebab-case with the layer as
 * its prefix and is stable: renaming one renames a counter.
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

/** The reasons one layer's parser can return (a subset of DropReason). */
export type EthernetDropReason = Extract<DropReason, `eth-${string}`>;
export type ArpDropReason = Extract<DropReason, `arp-${string}`>;
export type Ipv4DropReason = Extract<DropReason, `ipv4-${string}`>;
export type IcmpDropReason = Extract<DropReason, `icmp-${string}`>;
export type UdpDropReason = Extract<DropReason, `udp-${string}`>;
export type TcpDropReason = Extract<DropReason, `tcp-${string}`>;

const known: ReadonlySet<string> = new Set<string>(DROP_REASONS);

/** True for the strings in DROP_REASONS. */
export function isDropReason(value: unknown): value is DropReason {
  return typeof value === 'string' && known.has(value);
}
