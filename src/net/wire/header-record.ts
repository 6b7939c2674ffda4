/**
 * The header record of the native header reader and writer (targets/common/xstcp_headers.h):
 * one reused Uint32Array whose slots the C fills from a received frame (Ethernet, IPv4,
 * TCP, checksums verified) or reads a TCP header from. Engines without the natives (V8)
 * keep the JavaScript readers and writers; with them, a frame costs one native call
 * instead of dozens of interpreted reads, shifts and calls. The slot numbers and verdicts
 * here are the C's enum and defines.
 */

export const H_IP_SRC = 0;
export const H_IP_DST = 1;
export const H_IP_PROTOCOL = 2;
export const H_IP_TTL = 3;
export const H_IP_TOS = 4;
export const H_IP_IDENT = 5;
export const H_IP_FRAGMENT_WORD = 6;
export const H_IP_HEADER_LENGTH = 7;
export const H_IP_TOTAL_LENGTH = 8;
/** 0, a TCP drop code (reasons.ts), or TCP_NOT_READ. */
export const H_TCP_CODE = 9;
export const H_TCP_SRC_PORT = 10;
export const H_TCP_DST_PORT = 11;
export const H_TCP_SEQ = 12;
export const H_TCP_ACK = 13;
export const H_TCP_FLAGS = 14;
export const H_TCP_WINDOW = 15;
export const H_TCP_URGENT = 16;
export const H_TCP_HEADER_LENGTH = 17;
export const HEADER_RECORD_SLOTS = 18;

/** Verdicts of the frame reader besides the Ethernet/IPv4 drop codes of reasons.ts. */
export const FRAME_IPV4 = 0;
export const FRAME_NOT_FOR_US = 32;
export const FRAME_ARP = 33;
export const FRAME_OTHER_TYPE = 34;
/** H_TCP_CODE of a datagram that is not TCP, or is a fragment. */
export const TCP_NOT_READ = 255;

/** A record for the natives below. */
export function newHeaderRecord(): Uint32Array {
  return new Uint32Array(HEADER_RECORD_SLOTS);
}

/**
 * Reads `frame` for a host whose MAC is `mac`: a verdict above or a drop code; with
 * FRAME_IPV4 the IP slots are filled, and the TCP slots when H_TCP_CODE is 0. The natives
 * take the record's ArrayBuffer (C bindings see only byte buffers), kept by the caller:
 * `buffer` is an accessor call on XS.
 */
export type FrameReader = (frame: Uint8Array, mac: Uint8Array, record: ArrayBufferLike) => number;

/**
 * Writes a TCP header without options at buf[offset], the payload after it (unless
 * already there) and the checksum from src to dst; returns the segment length, 0 when it
 * does not fit. Fields are arguments, not a record: on XS a call's arguments cost less
 * than the typed-array stores that would fill one.
 */
export type TcpWriter = (
  buf: Uint8Array, offset: number, payload: Uint8Array, src: number, dst: number,
  srcPort: number, dstPort: number, seq: number, ack: number, flags: number, window: number, urgent: number,
) => number;

/**
 * Writes the Ethernet header (IPv4, dstMac from srcMac) and a 20-byte IPv4 header with its
 * checksum for a payload of payloadLength bytes at frame[0..34); returns 34, 0 when the
 * frame is shorter.
 */
export type Ipv4Writer = (
  frame: Uint8Array, dstMac: Uint8Array, srcMac: Uint8Array, src: number, dst: number,
  protocol: number, tos: number, ttl: number, ident: number, dontFragment: boolean, payloadLength: number,
) => number;

/** The installed natives (undefined: the JavaScript paths). */
export let frameReader: FrameReader | undefined;
export let tcpWriter: TcpWriter | undefined;
export let ipv4Writer: Ipv4Writer | undefined;

/** Installs (or with undefined, removes) the native header reader and writers. */
export function setHeaderNatives(reader: FrameReader | undefined, tcp: TcpWriter | undefined, ipv4: Ipv4Writer | undefined): void {
  frameReader = reader;
  tcpWriter = tcp;
  ipv4Writer = ipv4;
}
