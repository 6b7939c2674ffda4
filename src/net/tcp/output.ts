/**
 * Segment building: every segment the stack sends is written here into the interface's
 * transmit frame and handed to IPv4. One mutable header description is reused, so a send
 * allocates nothing.
 */
import type { Counters } from '../counters.js';
import { emitTcp, tcpHeaderLength, TCP_ACK, TCP_HEADER_LEN, TCP_RST, TCP_SYN, type TcpOptions, type TcpSegmentFields } from '../wire/tcp.js';
import { IPPROTO_TCP } from '../wire/ipv4.js';
import { tcpWriter } from '../wire/header-record.js';
import { advertisableWindowOf } from './silly-window.js';
import { blockingWindow } from './window-update.js';
import { MAX_WINDOW_FIELD, windowField, windowShiftFor } from './window-scale.js';
import { seqAdd, seqDiff } from './seq.js';
import { IPV4_PAYLOAD_OFFSET, SEND_NO_ARP_ENTRY, type TcpNetwork } from './network.js';
import type { TcpConfig } from './config.js';
import { TASK_TCP } from '../tasks.js';
import type { TcpSocket } from './socket.js';
import { CNT_TCP_OUT_NO_ARP, CNT_TCP_OUT_REFUSED, CNT_TCP_OUT_RESETS, CNT_TCP_OUT_SEGMENTS, CNT_TCP_OUT_TOO_BIG } from '../counter-ids.js';

const EMPTY = new Uint8Array(0);

/** A RST that waits for ARP (µTasker keeps exactly one, in its pseudo-socket). */
export interface PendingReset {
  dst: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
}

/** The inputs and results of one window computation (SegmentOutput.windowToAdvertise). */
interface WindowMemo {
  socket: TcpSocket | undefined;
  rcvWindow: number;
  rcvAdvEdge: number | undefined;
  rcvNxt: number;
  rcvBufferSize: number;
  rcvWndShift: number;
  mss: number;
  edgeBefore: number | undefined;
  edgeAfter: number | undefined;
  field: number;
}

export class SegmentOutput {
  private readonly fields: TcpSegmentFields = {
    srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, urgent: 0, options: {},
  };
  private readonly noOptions: TcpOptions = {};
  private readonly synOptions: TcpOptions;
  /** The SYN options with our window scale (RFC 7323). */
  private readonly synScaleOptions: TcpOptions;
  /** windowToAdvertise's last inputs and answer (one socket: the common case of one stream). */
  private readonly windowMemo: WindowMemo = {
    socket: undefined, rcvWindow: 0, rcvAdvEdge: undefined, rcvNxt: 0, rcvBufferSize: 0, rcvWndShift: 0, mss: 0,
    edgeBefore: undefined, edgeAfter: undefined, field: 0,
  };
  /** The RST for an unmatched segment that is waiting for ARP, if any. */
  pendingReset: PendingReset | undefined = undefined;
  /** Told when a segment reopens a window that held the peer back (the core repeats that update). */
  onWindowReopened: ((s: TcpSocket) => void) | undefined = undefined;
  /**
   * The transmit frame's length, read once: it is checked on every segment, and on XS a
   * typed array's length is an accessor call.
   */
  private readonly frameLength: number;

  constructor(
    private readonly network: TcpNetwork,
    private readonly config: TcpConfig,
    private readonly counters: Counters,
  ) {
    this.synOptions = { mss: config.mss };
    this.synScaleOptions = { mss: config.mss, windowScale: windowShiftFor(config.maxReceiveWindow) };
    this.frameLength = network.txFrame.length;
  }

  /** Largest payload that fits the transmit frame after a header without options. */
  maxPayload(): number {
    return this.frameLength - IPV4_PAYLOAD_OFFSET - 20;
  }

  /**
   * Sends one segment of a connection: `flags` at `seq`, acknowledging RCV.NXT when ACK is
   * set, advertising the receive window. Returns sendIpv4's result (frame length, 0, or
   * NO_ARP_ENTRY), or 0 when the segment does not fit the frame.
   */
  send(s: TcpSocket, flags: number, seq: number, payload: Uint8Array = EMPTY): number {
    const f = this.fields;
    f.srcPort = s.localPort;
    f.dstPort = s.remotePort;
    f.seq = seq >>> 0;
    f.ack = flags & TCP_ACK ? s.rcvNxt >>> 0 : 0;
    f.flags = flags;
    f.options = flags & TCP_SYN ? this.synOptionsFor(s, flags) : this.noOptions;
    f.window = flags & TCP_RST ? 0 : this.windowToAdvertise(s, (flags & TCP_SYN) !== 0);
    f.urgent = 0;
    const r = this.transmit(s.remoteAddr, s.tos, payload, s.index);
    if (flags & TCP_ACK) s.ackDue = false;
    if (r > 0 && flags & TCP_ACK) {
      s.ackPending = false;
      s.delAckAt = undefined;
    }
    return r;
  }

  /**
   * RST answering a segment that matches no connection (RFC 9293 §3.10.7.1): with ACK in
   * the offending segment, <SEQ=SEG.ACK><CTL=RST>; otherwise <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
   */
  replyReset(dst: number, srcPort: number, dstPort: number, segSeq: number, segAck: number, segFlags: number, segLen: number): number {
    const hadAck = (segFlags & TCP_ACK) !== 0;
    const reset: PendingReset = {
      dst: dst >>> 0,
      srcPort,
      dstPort,
      seq: hadAck ? segAck >>> 0 : 0,
      ack: hadAck ? 0 : seqAdd(segSeq, segLen),
      flags: hadAck ? TCP_RST : TCP_RST | TCP_ACK,
    };
    return this.sendReset(reset);
  }

  /**
   * A SYN+ACK that belongs to no socket (a SYN cookie): <SEQ=iss><ACK=ack><CTL=SYN,ACK>
   * with our MSS, through the pseudo-socket. Nothing waits for ARP: the client repeats its SYN.
   */
  replySynAck(dst: number, srcPort: number, dstPort: number, iss: number, ack: number, window: number): number {
    const f = this.fields;
    f.srcPort = srcPort;
    f.dstPort = dstPort;
    f.seq = iss >>> 0;
    f.ack = ack >>> 0;
    f.flags = TCP_SYN | TCP_ACK;
    f.window = window > MAX_WINDOW_FIELD ? MAX_WINDOW_FIELD : window;
    f.urgent = 0;
    f.options = this.synOptions;
    return this.transmit(dst >>> 0, 0, EMPTY, this.config.sockets);
  }

  /** Sends (or re-sends, after ARP) a connectionless RST through the pseudo-socket. */
  sendReset(r: PendingReset): number {
    const f = this.fields;
    f.srcPort = r.srcPort;
    f.dstPort = r.dstPort;
    f.seq = r.seq;
    f.ack = r.ack;
    f.flags = r.flags;
    f.window = 0;
    f.urgent = 0;
    f.options = this.noOptions;
    this.counters.inc(CNT_TCP_OUT_RESETS);
    const result = this.transmit(r.dst, 0, EMPTY, this.config.sockets);
    this.pendingReset = result === SEND_NO_ARP_ENTRY ? r : undefined;
    return result;
  }

  /**
   * RFC 7323 §2.2: our SYN offers window scaling when configured; our SYN+ACK carries the
   * option only when the peer's SYN did (a simultaneous open's SYN+ACK included).
   */
  private synOptionsFor(s: TcpSocket, flags: number): TcpOptions {
    const scale = flags & TCP_ACK ? s.windowScaled : this.config.windowScaling;
    return scale ? this.synScaleOptions : this.synOptions;
  }

  /**
   * The window field of the next segment: what the application accepts (fnModifyTCPWindow),
   * with receiver silly-window avoidance (RFC 1122 §4.2.3.3), never moving the right
   * edge left, scaled by Rcv.Wind.Shift after the SYNs (window-scale.ts; at most 65535 in
   * a SYN or without scaling). Remembers the advertised right edge.
   */
  private windowToAdvertise(s: TcpSocket, syn: boolean): number {
    // A pure function of these inputs: a stream of segments that changes none of them (a
    // sender whose peer sends nothing) reuses the last answer and its right edge.
    const m = this.windowMemo;
    if (!syn && m.socket === s && m.rcvWindow === s.rcvWindow && m.rcvAdvEdge === s.rcvAdvEdge && m.rcvNxt === s.rcvNxt
      && m.rcvBufferSize === s.rcvBufferSize && m.rcvWndShift === s.rcvWndShift && m.mss === this.config.mss) {
      s.rcvAdvEdge = m.edgeAfter;
      return m.field;
    }
    const field = this.computeWindow(s, syn);
    if (!syn) {
      m.socket = s;
      m.rcvWindow = s.rcvWindow;
      m.rcvAdvEdge = m.edgeBefore;
      m.rcvNxt = s.rcvNxt;
      m.rcvBufferSize = s.rcvBufferSize;
      m.rcvWndShift = s.rcvWndShift;
      m.mss = this.config.mss;
      m.edgeAfter = s.rcvAdvEdge;
      m.field = field;
    }
    return field;
  }

  /** windowToAdvertise's computation (the memo's miss); notes the right edge it started from. */
  private computeWindow(s: TcpSocket, syn: boolean): number {
    this.windowMemo.edgeBefore = s.rcvAdvEdge;
    const w = advertisableWindowOf(s.rcvWindow, syn ? undefined : s.rcvAdvEdge, s.rcvNxt, this.config.mss, s.rcvBufferSize);
    const shift = syn ? 0 : s.rcvWndShift;
    const kept = syn || s.rcvAdvEdge === undefined ? 0 : seqDiff(s.rcvAdvEdge, s.rcvNxt);
    const field = windowField(w, kept, shift);
    const edge = seqAdd(s.rcvNxt, field << shift);
    if (!syn && s.rcvAdvEdge !== undefined && this.onWindowReopened !== undefined) {
      const blocking = blockingWindow(this.config.mss, s.rcvBufferSize);
      if (kept < blocking && field << shift >= blocking) this.onWindowReopened(s);
    }
    if (s.rcvAdvEdge === undefined || syn || seqDiff(edge, s.rcvAdvEdge) > 0) s.rcvAdvEdge = edge;
    return field;
  }

  private transmit(dst: number, tos: number, payload: Uint8Array, owner: number): number {
    const net = this.network;
    const frame = net.txFrame;
    const f = this.fields;
    const headerLength = f.options === this.noOptions ? TCP_HEADER_LEN : tcpHeaderLength(f.options);
    if (IPV4_PAYLOAD_OFFSET + headerLength + payload.length > this.frameLength) {
      this.counters.inc(CNT_TCP_OUT_TOO_BIG);
      return 0;
    }
    // The native writer (header-record.ts) writes headers without options: every segment but a SYN.
    const len = tcpWriter !== undefined && f.options === this.noOptions
      ? tcpWriter(frame, IPV4_PAYLOAD_OFFSET, payload, net.localAddress(), dst, f.srcPort, f.dstPort, f.seq, f.ack, f.flags, f.window, f.urgent)
      : emitTcp(f, payload, net.localAddress(), dst, frame, IPV4_PAYLOAD_OFFSET);
    // The TCP task owns every TCP transmission: ARP results come back to it.
    const r = net.sendIpv4(dst, IPPROTO_TCP, tos, this.config.ttl, len, TASK_TCP, owner);
    this.counters.inc(CNT_TCP_OUT_SEGMENTS);
    if (r === SEND_NO_ARP_ENTRY) this.counters.inc(CNT_TCP_OUT_NO_ARP);
    else if (r === 0) this.counters.inc(CNT_TCP_OUT_REFUSED);
    return r;
  }
}
