/**
 * The ids of every counter the stack counts (see counters.ts): taken once at module
 * load, so the hot path passes a number and never builds or looks up a name. Codec drop
 * reasons map to ids per layer through `codecDropIds`.
 */
import { counterId, dropCounterId } from './counters.js';
import { DROP_REASONS } from './wire/reasons.js';

// ---- eth ----
export const CNT_ETH_IN_FRAMES = counterId('eth.in-frames');
export const CNT_ETH_OUT_FRAMES = counterId('eth.out-frames');
export const DROP_ETH_INTERNAL_ERROR = dropCounterId('eth', 'internal-error');
export const DROP_ETH_NOT_FOR_US = dropCounterId('eth', 'not-for-us');
export const DROP_ETH_UNKNOWN_ETHERTYPE = dropCounterId('eth', 'unknown-ethertype');
export const DROP_ETH_OUT_DRIVER_REFUSED = dropCounterId('eth-out', 'driver-refused');

// ---- arp ----
export const CNT_ARP_ADDRESS_CONFLICTS = counterId('arp.address-conflicts');
export const CNT_ARP_GRATUITOUS = counterId('arp.gratuitous');
export const CNT_ARP_IN_REPLIES = counterId('arp.in-replies');
export const CNT_ARP_IN_REQUESTS = counterId('arp.in-requests');
export const CNT_ARP_OUT_REPLIES = counterId('arp.out-replies');
export const CNT_ARP_OUT_REQUESTS = counterId('arp.out-requests');
export const CNT_ARP_RESOLUTIONS_FAILED = counterId('arp.resolutions-failed');
export const CNT_ARP_RESOLUTIONS_STARTED = counterId('arp.resolutions-started');
export const CNT_ARP_RESOLUTIONS_SUCCEEDED = counterId('arp.resolutions-succeeded');
export const DROP_ARP_OWNER_QUEUE_FULL = dropCounterId('arp', 'owner-queue-full');
export const DROP_ARP_TABLE_FULL = dropCounterId('arp', 'table-full');
export const DROP_ARP_UNKNOWN_OP = dropCounterId('arp', 'unknown-op');

// ---- ipv4 ----
export const CNT_IPV4_OUT_NO_ARP_ENTRY = counterId('ipv4-out.no-arp-entry');
export const CNT_IPV4_OUT_PACKETS = counterId('ipv4-out.packets');
export const CNT_IPV4_IN_PACKETS = counterId('ipv4.in-packets');
export const DROP_IPV4_BAD_SOURCE = dropCounterId('ipv4', 'bad-source');
export const DROP_IPV4_BROADCAST_NOT_HANDLED = dropCounterId('ipv4', 'broadcast-not-handled');
export const DROP_IPV4_FRAGMENT = dropCounterId('ipv4', 'fragment');
export const DROP_IPV4_NOT_FOR_US = dropCounterId('ipv4', 'not-for-us');
export const DROP_IPV4_TCP_NOT_ENABLED = dropCounterId('ipv4', 'tcp-not-enabled');
export const DROP_IPV4_UDP_NO_LISTENER = dropCounterId('ipv4', 'udp-no-listener');
export const DROP_IPV4_UNKNOWN_PROTOCOL = dropCounterId('ipv4', 'unknown-protocol');
export const DROP_IPV4_OUT_TOO_LONG = dropCounterId('ipv4-out', 'too-long');

// ---- icmp ----
export const CNT_ICMP_IN_ECHO_REPLIES = counterId('icmp.in-echo-replies');
export const CNT_ICMP_IN_ECHO_REQUESTS = counterId('icmp.in-echo-requests');
export const CNT_ICMP_OUT_ECHO_REPLIES = counterId('icmp.out-echo-replies');
export const CNT_ICMP_OUT_ECHO_REQUESTS = counterId('icmp.out-echo-requests');
export const DROP_ICMP_ECHO_NOT_ANSWERED = dropCounterId('icmp', 'echo-not-answered');

// ---- tcp ----
export const CNT_TCP_ABORTS = counterId('tcp.aborts');
export const CNT_TCP_ACTIVE_OPENS = counterId('tcp.active-opens');
export const CNT_TCP_ARP_FAILED = counterId('tcp.arp-failed');
export const CNT_TCP_ARP_RESOLVED = counterId('tcp.arp-resolved');
export const CNT_TCP_BUFFERED_TRUNCATED = counterId('tcp.buffered.truncated');
export const CNT_TCP_CHALLENGE_ACKS = counterId('tcp.challenge-acks');
export const CNT_TCP_CHALLENGE_ACKS_SUPPRESSED = counterId('tcp.challenge-acks-suppressed');
export const CNT_TCP_CONREQ_REJECTED = counterId('tcp.conreq-rejected');
export const CNT_TCP_FAST_RETRANSMITS = counterId('tcp.fast-retransmits');
export const CNT_TCP_FIN_WAIT_2_TIMEOUTS = counterId('tcp.fin-wait-2-timeouts');
export const CNT_TCP_HALF_OPEN_RECYCLED = counterId('tcp.half-open-recycled');
export const CNT_TCP_IDLE_EXTENSIONS = counterId('tcp.idle-extensions');
export const CNT_TCP_IDLE_TIMEOUTS = counterId('tcp.idle-timeouts');
export const CNT_TCP_IN_DISCARDED_BYTES = counterId('tcp.in.discarded-bytes');
export const CNT_TCP_IN_FIN_REJECTED = counterId('tcp.in.fin-rejected');
export const CNT_TCP_IN_OUT_OF_ORDER = counterId('tcp.in.out-of-order');
export const CNT_TCP_IN_REJECTED_SEGMENTS = counterId('tcp.in.rejected-segments');
export const CNT_TCP_IN_RESETS = counterId('tcp.in.resets');
export const CNT_TCP_IN_SEGMENTS = counterId('tcp.in.segments');
export const CNT_TCP_INTERNAL_ERRORS = counterId('tcp.internal-errors');
export const CNT_TCP_LISTENER_ERRORS = counterId('tcp.listener-errors');
export const CNT_TCP_OUT_NO_ARP = counterId('tcp.out.no-arp');
export const CNT_TCP_OUT_REFUSED = counterId('tcp.out.refused');
export const CNT_TCP_OUT_RESETS = counterId('tcp.out.resets');
export const CNT_TCP_OUT_SEGMENTS = counterId('tcp.out.segments');
export const CNT_TCP_OUT_TOO_BIG = counterId('tcp.out.too-big');
export const CNT_TCP_RETRANSMISSIONS = counterId('tcp.retransmissions');
export const CNT_TCP_REUSED_SOCKETS = counterId('tcp.reused-sockets');
export const CNT_TCP_SYN_REPEATS = counterId('tcp.syn-repeats');
export const CNT_TCP_TASK_UNKNOWN_MESSAGES = counterId('tcp.task.unknown-messages');
export const CNT_TCP_TIMEOUTS = counterId('tcp.timeouts');
export const CNT_TCP_WINDOW_PROBES = counterId('tcp.window-probes');
export const CNT_TCP_WINDOW_REOPENED = counterId('tcp.window-reopened');
export const CNT_TCP_WINDOW_UPDATE_REPEATS = counterId('tcp.window-update-repeats');
export const DROP_TCP_ACK_TOO_OLD = dropCounterId('tcp', 'tcp-ack-too-old');
export const DROP_TCP_ACK_UNSENT = dropCounterId('tcp', 'tcp-ack-unsent');
export const DROP_TCP_BAD_ACK = dropCounterId('tcp', 'tcp-bad-ack');
export const DROP_TCP_CONREQ_WAIT = dropCounterId('tcp', 'tcp-conreq-wait');
export const DROP_TCP_LISTENER_GONE = dropCounterId('tcp', 'tcp-listener-gone');
export const DROP_TCP_NO_ACK = dropCounterId('tcp', 'tcp-no-ack');
export const DROP_TCP_NO_SOCKET = dropCounterId('tcp', 'tcp-no-socket');
export const DROP_TCP_NO_SYN = dropCounterId('tcp', 'tcp-no-syn');
export const DROP_TCP_OUT_OF_WINDOW = dropCounterId('tcp', 'tcp-out-of-window');
export const DROP_TCP_PORT_ZERO = dropCounterId('tcp', 'tcp-port-zero');
export const DROP_TCP_RST_OUT_OF_WINDOW = dropCounterId('tcp', 'tcp-rst-out-of-window');
export const DROP_TCP_RST_WITHOUT_ACK = dropCounterId('tcp', 'tcp-rst-without-ack');
export const DROP_TCP_SIMULTANEOUS_OPEN = dropCounterId('tcp', 'tcp-simultaneous-open');
export const DROP_TCP_SYN_IN_WINDOW = dropCounterId('tcp', 'tcp-syn-in-window');
export const DROP_TCP_LISTEN_NO_ACK = dropCounterId('tcp', 'tcp-listen-no-ack');
export const DROP_TCP_SYN_OVERLOAD = dropCounterId('tcp', 'tcp-syn-overload');
export const DROP_TCP_SYN_BACKLOG_FULL = dropCounterId('tcp', 'tcp-syn-backlog-full');
export const DROP_TCP_SYN_BACKLOG_EXPIRED = dropCounterId('tcp', 'tcp-syn-backlog-expired');
export const CNT_TCP_SYN_COOKIES_SENT = counterId('tcp.syn-cookies.sent');
export const CNT_TCP_SYN_BACKLOG_WAITING = counterId('tcp.syn-backlog.waiting');
export const CNT_TCP_SYN_COOKIES_ACCEPTED = counterId('tcp.syn-cookies.accepted');
export const CNT_TCP_SIMULTANEOUS_OPEN_RESYNC = counterId('tcp.simultaneous-open-resync');

/**
 * Drop ids of one layer indexed by codec drop code (src/net/wire/reasons.ts): the layer's
 * own reasons get `<layer>.drop.<reason>`; a code of another layer, which its codec never
 * returns, is counted as `<layer>.drop.other`.
 */
export function codecDropIds(layer: string): readonly number[] {
  const other = dropCounterId(layer, 'other');
  const ids = [other];
  for (const reason of DROP_REASONS) ids.push(reason.startsWith(`${layer}-`) ? dropCounterId(layer, reason) : other);
  return ids;
}

export const DROP_ETH_CODEC = codecDropIds('eth');
export const DROP_ARP_CODEC = codecDropIds('arp');
export const DROP_IPV4_CODEC = codecDropIds('ipv4');
export const DROP_ICMP_CODEC = codecDropIds('icmp');
export const DROP_TCP_CODEC = codecDropIds('tcp');

/** `tcp.events.<n>` per listener event number; CNT_TCP_EVENTS_OTHER for any other. */
export const CNT_TCP_EVENTS: readonly number[] = Array.from({ length: 16 }, (_, e) => counterId(`tcp.events.${e}`));
export const CNT_TCP_EVENTS_OTHER = counterId('tcp.events.other');
