/**
 * What the interface layer offers the transport above it for sending: its address, one
 * transmit frame to build in, IPv4 output with ARP resolution on behalf of an owner task,
 * and the codes of that contract. TCP depends on this, the interface implements it, and
 * neither imports the other.
 */
export interface Ipv4Sender {
  /** Our IPv4 address (u32). */
  localAddress(): number;
  /**
   * A frame buffer owned by the interface layer. The caller writes its IPv4 payload (the
   * complete TCP segment, checksum included) at `IPV4_PAYLOAD_OFFSET` and then calls
   * `sendIpv4` with its length. The buffer is reused by the next send.
   */
  readonly txFrame: Uint8Array;
  /**
   * Sends the payload prepared in `txFrame` as an IPv4 datagram to `dst`. Returns the
   * Ethernet frame length (> 0) when it went out; 0 when the driver refused it; or
   * `NO_ARP_ENTRY` (-1) when the destination's MAC is unknown — resolution has then been
   * started on behalf of (`ownerTask`, `ownerSocket`), and its result arrives later in the
   * owner task's queue as the message
   * `[INTERNAL_ROUTE, INTERNAL_ROUTE, ownerTask, TASK_ARP, 2, ARP_RESOLUTION_SUCCESS (4) | ARP_RESOLUTION_FAILED (3), ownerSocket]`.
   * The frame is not kept: after NO_ARP_ENTRY the sender must send again once resolved.
   */
  sendIpv4(dst: number, protocol: number, tos: number, ttl: number, payloadLength: number, ownerTask: string, ownerSocket: number): number;
}

/** Ethernet II header (14) + IPv4 header without options (20). */
export const IPV4_PAYLOAD_OFFSET = 34;
/** Value returned by sendIpv4 when the destination MAC is not resolved (µTasker's NO_ARP_ENTRY). */
export const SEND_NO_ARP_ENTRY = -1;
/** ARP result codes in the message content (µTasker's ARP_RESOLUTION_FAILED / ARP_RESOLUTION_SUCCESS). */
export const ARP_RESOLUTION_FAILED = 3;
export const ARP_RESOLUTION_SUCCESS = 4;
