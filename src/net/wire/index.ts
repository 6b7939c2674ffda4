/** The wire codecs: parse bytes into plain reprs (or a drop reason), emit reprs into bytes. */
export * from './reasons.js';
export * from './bytes.js';
export * from './checksum.js';
export * from './ethernet.js';
export * from './arp.js';
export * from './ipv4.js';
export * from './icmp.js';
export * from './udp.js';
export * from './tcp.js';
