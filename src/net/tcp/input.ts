/**
 * Entry of every received TCP segment: parse and verify, find the socket, hand it to the
 * handler of the socket's state. Nothing here throws; rejected segments are counted under
 * `tcp.drop.<reason>`.
 */
import { readTcp, readTcpRecord, seqLen, TCP_RST, TcpSegmentInput, type TcpSegment } from '../wire/tcp.js';
import type { TcpCore } from './core.js';
import { inputListen, inputSynSent, opensConnection } from './input-open.js';
import { inputSynchronized } from './input-synchronized.js';
import { sendMarked } from './buffered.js';
import { findConnection, findListener, recycleHalfOpen, reuseForSyn } from './pool.js';
import { serveSynBacklog, underSynPressure, unmatchedForListener } from './syn-overload.js';
import type { TcpSocket } from './socket.js';
import { TcpState } from './types.js';
import { DROP_TCP_CODEC, CNT_TCP_IN_SEGMENTS, DROP_TCP_NO_SOCKET, DROP_TCP_PORT_ZERO } from '../counter-ids.js';

/** The parts of an IPv4 datagram TCP uses (the interface passes its reused Ipv4Input). */
export interface TcpIpInput {
  src: number;
  dst: number;
  /** The segment is buf[payloadStart..payloadEnd). */
  buf: Uint8Array;
  payloadStart: number;
  payloadEnd: number;
  /** The native reader's record when it has read this segment's header (Ipv4Input.headers). */
  headers?: Uint32Array | null;
}

/**
 * The segment every input is read into; a nested input (a listener's doing) gets its own.
 * Made on first use: Moddable freezes objects made while preloading a module.
 */
let shared: TcpSegmentInput | undefined;
let sharedInUse = false;

/** One received segment, processed whole before anything it makes due is sent (output after input). */
export function tcpInput(core: TcpCore, ip: TcpIpInput): void {
  const seg = sharedInUse ? new TcpSegmentInput() : (shared ??= new TcpSegmentInput());
  sharedInUse = true;
  core.beginInput();
  try {
    dispatch(core, ip, seg);
    // A socket this segment freed goes to the oldest client waiting with a SYN cookie.
    if (core.synBacklog.length > 0) serveSynBacklog(core);
    // Bytes listeners wrote to buffered sockets meanwhile, from this shallow frame.
    sendMarked(core);
  } finally {
    if (seg === shared) sharedInUse = false;
    core.endInput();
  }
}

function dispatch(core: TcpCore, ip: TcpIpInput, seg: TcpSegmentInput): void {
  core.counters.inc(CNT_TCP_IN_SEGMENTS);
  const record = ip.headers;
  const code = record !== undefined && record !== null
    ? readTcpRecord(record, ip.buf, ip.payloadStart, ip.payloadEnd, seg)
    : readTcp(ip.buf, ip.payloadStart, ip.payloadEnd, ip.src, ip.dst, seg, true);
  if (code !== 0) {
    core.counters.drop(DROP_TCP_CODEC[code]);
    return;
  }
  if (seg.srcPort === 0 || seg.dstPort === 0) {
    core.counters.drop(DROP_TCP_PORT_ZERO);
    return;
  }
  const s = demux(core, ip.src, seg);
  if (s === undefined) {
    if (unmatchedForListener(core, ip.src, seg)) return;
    core.counters.drop(DROP_TCP_NO_SOCKET);
    if ((seg.flags & TCP_RST) === 0) {
      core.out.replyReset(ip.src, seg.dstPort, seg.srcPort, seg.seq, seg.ack, seg.flags, seqLen(seg));
    }
    return;
  }
  // Tail calls (`return f()`): XS then reuses this frame for the handler's, which spares
  // the deepest call chain (a listener sending from inside the receive path) its slots.
  switch (s.state) {
    case TcpState.Listen:
      return inputListen(core, s, ip.src, seg);
    case TcpState.SynSent:
      return inputSynSent(core, s, seg);
    default:
      return inputSynchronized(core, s, ip.src, seg);
  }
}

/**
 * The socket for a segment: its connection; for a bare SYN, else a listener of the port,
 * else (in an emergency) a reused TIME_WAIT/FIN_WAIT_2 socket or a recycled half-open one.
 * With SYN cookies no half-open socket is recycled for a SYN (the cookie costs nothing):
 * only a returning cookie, which proves a real client, may recycle one; and for a while
 * after a cookie even a free listener is left to returning cookies (syn-overload.ts).
 */
function demux(core: TcpCore, src: number, seg: TcpSegment): TcpSocket | undefined {
  const s = findConnection(core, src, seg.srcPort, seg.dstPort);
  if (s !== undefined || !opensConnection(seg) || underSynPressure(core)) return s;
  return findListener(core, seg.dstPort)
    ?? reuseForSyn(core, src, seg.srcPort, seg.dstPort)
    ?? (core.config.synOverload === 'cookie' ? undefined : recycleHalfOpen(core, seg.dstPort));
}
