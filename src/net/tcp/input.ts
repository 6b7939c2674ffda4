/**
 * Entry of every received TCP segment: parse and verify, find the socket, hand it to the
 * handler of the socket's state. Nothing here throws; rejected segments are counted under
 * `tcp.drop.<reason>`.
 */
import { parseTcp, seqLen, TCP_RST, type TcpSegment } from '../wire/tcp.js';
import type { TcpCore } from './core.js';
import { inputListen, inputSynSent, isBareSyn } from './input-open.js';
import { inputSynchronized } from './input-synchronized.js';
import { findConnection, findListener, recycleHalfOpen, reuseForSyn } from './pool.js';
import type { TcpSocket } from './socket.js';
import { TcpState } from './types.js';

/** The parts of an IPv4 packet TCP uses (the interface passes its parsed Ipv4Packet). */
export interface TcpIpInput {
  src: number;
  dst: number;
  payload: Uint8Array;
}

/** One received segment, processed whole before anything it makes due is sent (output after input). */
export function tcpInput(core: TcpCore, ip: TcpIpInput): void {
  core.beginInput();
  try {
    dispatch(core, ip);
  } finally {
    core.endInput();
  }
}

/** Parses, finds the socket and hands the segment to its state's handler. */
function dispatch(core: TcpCore, ip: TcpIpInput): void {
  core.counters.inc('tcp.in.segments');
  const seg = parseTcp(ip.payload, ip.src, ip.dst, true);
  if (typeof seg === 'string') {
    core.counters.drop('tcp', seg);
    return;
  }
  if (seg.srcPort === 0 || seg.dstPort === 0) {
    core.counters.drop('tcp', 'tcp-port-zero');
    return;
  }
  const s = demux(core, ip.src, seg);
  if (s === undefined) {
    core.counters.drop('tcp', 'tcp-no-socket');
    if ((seg.flags & TCP_RST) === 0) {
      core.out.replyReset(ip.src, seg.dstPort, seg.srcPort, seg.seq, seg.ack, seg.flags, seqLen(seg));
    }
    return;
  }
  switch (s.state) {
    case TcpState.Listen:
      inputListen(core, s, ip.src, seg);
      break;
    case TcpState.SynSent:
      inputSynSent(core, s, seg);
      break;
    default:
      inputSynchronized(core, s, ip.src, seg);
      break;
  }
}

/**
 * The socket for a segment: its connection; for a bare SYN, else a listener of the port,
 * else (in an emergency) a reused TIME_WAIT/FIN_WAIT_2 socket or a recycled half-open one.
 */
function demux(core: TcpCore, src: number, seg: TcpSegment): TcpSocket | undefined {
  const s = findConnection(core, src, seg.srcPort, seg.dstPort);
  if (s !== undefined || !isBareSyn(seg)) return s;
  return findListener(core, seg.dstPort)
    ?? reuseForSyn(core, src, seg.srcPort, seg.dstPort)
    ?? recycleHalfOpen(core, seg.dstPort);
}
