/**
 * What TCP needs from the interface layer below it: the interface's IPv4 send contract
 * (src/net/ipv4-sender.ts). TCP scenario tests implement it with a recorder.
 */
export type { Ipv4Sender as TcpNetwork } from '../ipv4-sender.js';
export { ARP_RESOLUTION_FAILED, ARP_RESOLUTION_SUCCESS, IPV4_PAYLOAD_OFFSET, SEND_NO_ARP_ENTRY } from '../ipv4-sender.js';
