/**
 * One board's hot path in isolation, for counting what it costs per full-size segment:
 * a stack whose MAC is a scripted peer that does almost no work per segment (one frame
 * built once, only its sequence or acknowledgement number and checksum patched), so
 * that what a measurement sees per segment is the board's own work.
 *
 *   receive: the peer sends 1460-byte segments to the discard service (port 9)
 *   send:    the peer connects to chargen (port 19) and ACKs every segment it gets
 *
 * Engine-neutral: a clock of its own with a fixed set of timer slots (no allocation per
 * wake-up), so that allocation figures taken around `run` are the stack's.
 */
import { Stack } from '../../../src/stack.js';
import type { Clock, TimerId } from '../../../src/host/clock.js';
import type { MacDriver } from '../../../src/host/mac.js';
import { SeededRandom } from '../../../src/host/random.js';
import { startDiscard } from '../../../src/apps/discard.js';
import { startChargen } from '../../../src/apps/chargen.js';
import { readU32, writeU16, writeU32 } from '../../../src/net/wire/bytes.js';
import { checksumAdjust } from '../../../src/net/wire/checksum.js';
import { emitEthernetHeader, ETHERNET_HEADER_LEN, ETHERTYPE_IPV4 } from '../../../src/net/wire/ethernet.js';
import { emitIpv4Header, IPPROTO_TCP } from '../../../src/net/wire/ipv4.js';
import { emitTcp, TCP_ACK, TCP_SYN } from '../../../src/net/wire/tcp.js';

export type TransferMode = 'receive' | 'send';

const BOARD_IP = 0xc6120002; // 198.18.0.2
const PEER_IP = 0xc6120001; // 198.18.0.1
const BOARD_MAC = new Uint8Array([2, 0, 0, 0, 0, 2]);
const PEER_MAC = new Uint8Array([2, 0, 0, 0, 0, 1]);
const PEER_PORT = 40000;
const MSS = 1460;
const TCP_OFFSET = ETHERNET_HEADER_LEN + 20;
/** Offsets in the frame of the TCP fields patched per segment. */
const SEQ_AT = TCP_OFFSET + 4;
const ACK_AT = TCP_OFFSET + 8;
const CHECKSUM_AT = TCP_OFFSET + 16;
const TIMER_SLOTS = 8;
/** Virtual time per step: a busy 100 Mbit/s link carries a full frame every ~0.12 ms. */
const STEP_MS = 0.125;

/** A clock that moves when told, with TIMER_SLOTS timer slots held in parallel arrays. */
class SlotClock implements Clock {
  private current = 0;
  private nextId = 1;
  private readonly ids = new Float64Array(TIMER_SLOTS);
  private readonly at = new Float64Array(TIMER_SLOTS);
  private readonly fire: ((() => void) | undefined)[] = new Array<(() => void) | undefined>(TIMER_SLOTS).fill(undefined);

  now(): number {
    return this.current;
  }

  setTimer(atMs: number, fire: () => void): TimerId {
    for (let i = 0; i < TIMER_SLOTS; i++) {
      if (this.fire[i] !== undefined) continue;
      const id = this.nextId++;
      this.ids[i] = id;
      this.at[i] = atMs;
      this.fire[i] = fire;
      return id;
    }
    throw new Error('scripted transfer: out of timer slots');
  }

  clearTimer(id: TimerId): void {
    for (let i = 0; i < TIMER_SLOTS; i++) if (this.ids[i] === id) this.fire[i] = undefined;
  }

  /** Moves to `target`, firing due timers in time order (bounded: a timer re-armed at now fires again at most 64 times). */
  advanceTo(target: number): void {
    for (let n = 0; n < 64; n++) {
      let next = -1;
      for (let i = 0; i < TIMER_SLOTS; i++) {
        if (this.fire[i] !== undefined && this.at[i] <= target && (next < 0 || this.at[i] < this.at[next])) next = i;
      }
      if (next < 0) break;
      const fire = this.fire[next]!;
      this.fire[next] = undefined;
      this.ids[next] = 0;
      if (this.at[next] > this.current) this.current = this.at[next];
      fire();
    }
    if (target > this.current) this.current = target;
  }
}

/** The scripted peer as the board's MAC: one receive buffer, frames out inspected in place. */
class PeerMac implements MacDriver {
  readonly macAddress = BOARD_MAC;
  /** The frame the board receives next (always the same buffer), or none. */
  readonly frame = new Uint8Array(ETHERNET_HEADER_LEN + 20 + 20 + MSS);
  frameLength = 0;
  private view = this.frame.subarray(0, 0);
  private pending = false;
  private notify: () => void = () => undefined;
  /** Highest sequence number the board sent up to (its SND.NXT as seen on the wire). */
  boardSeqEnd = 0;
  boardIss = 0;
  /** Last acknowledgement number the board sent. */
  boardAck = 0;
  framesOut = 0;
  payloadOut = 0;

  transmit(frame: Uint8Array): boolean {
    this.framesOut++;
    if (frame.length < TCP_OFFSET + 20 || frame[ETHERNET_HEADER_LEN + 9] !== IPPROTO_TCP) return true;
    const seq = readU32(frame, SEQ_AT);
    const headerLength = (frame[TCP_OFFSET + 12] >> 4) * 4;
    const ipLength = (frame[ETHERNET_HEADER_LEN + 2] << 8) | frame[ETHERNET_HEADER_LEN + 3];
    const payload = ipLength - 20 - headerLength;
    if ((frame[TCP_OFFSET + 13] & TCP_SYN) !== 0) {
      this.boardIss = seq;
      this.boardSeqEnd = (seq + 1) >>> 0;
    } else if (payload > 0) {
      this.payloadOut += payload;
      this.boardSeqEnd = (seq + payload) >>> 0;
    }
    if ((frame[TCP_OFFSET + 13] & TCP_ACK) !== 0) this.boardAck = readU32(frame, ACK_AT);
    return true;
  }

  receive(): Uint8Array | undefined {
    if (!this.pending) return undefined;
    this.pending = false;
    // One view per frame length, kept: a driver with a fixed receive buffer allocates nothing.
    if (this.view.length !== this.frameLength) this.view = this.frame.subarray(0, this.frameLength);
    return this.view;
  }

  /** Hands the board `frame` (already written) and raises the receive notification. */
  deliver(length: number): void {
    this.frameLength = length;
    this.pending = true;
    this.notify();
  }

  setReceiveNotify(notify: () => void): void {
    this.notify = notify;
  }

  linkUp(): boolean {
    return true;
  }
}

/**
 * A board and its scripted peer, connected and past slow start after `prepare`; `run(n)`
 * then moves n full-size segments in `mode`'s direction.
 */
export class ScriptedTransfer {
  readonly stack: Stack;
  private readonly clock = new SlotClock();
  private readonly mac = new PeerMac();
  private readonly discardBytes: () => number;
  /** mode === 'receive', decided once: run() evaluates no string literal (XS copies each). */
  private readonly receiving: boolean;
  private peerSeq = 1000;
  private time = 0;
  /** The receive frame's sequence/acknowledgement number words, for checksum updates. */
  private patchedValue = 0;
  private interfaceBytes = 0;
  private frameView: Uint8Array = this.mac.frame;

  constructor(readonly mode: TransferMode) {
    this.receiving = mode === 'receive';
    this.stack = new Stack({
      mac: this.mac, clock: this.clock, random: new SeededRandom(7),
      address: BOARD_IP, netmask: 0xffffff00,
    });
    this.stack.start();
    const discard = startDiscard(this.stack.api);
    startChargen(this.stack.api);
    this.discardBytes = () => discard.counters.bytesIn;
  }

  /** Three-way handshake with the service of `mode`, then `warmup` segments. Throws when the board misbehaves. */
  prepare(warmup: number): void {
    this.mac.frameLength = 0;
    this.buildFrame(this.mode === 'receive' ? 9 : 19, TCP_SYN, this.peerSeq, 0, 0);
    this.step();
    if (this.mac.boardAck !== this.peerSeq + 1) throw new Error('scripted transfer: no SYN-ACK from the board');
    this.peerSeq++;
    const payload = this.mode === 'receive' ? MSS : 0;
    this.buildFrame(this.mode === 'receive' ? 9 : 19, TCP_ACK, this.peerSeq, this.mac.boardSeqEnd, payload);
    this.patchedValue = this.mode === 'receive' ? this.peerSeq : this.mac.boardSeqEnd;
    this.step();
    this.peerSeq = (this.peerSeq + payload) >>> 0;
    this.run(warmup);
  }

  /**
   * Moves `segments` full-size segments; returns the payload bytes the board delivered
   * to discard (receive) or sent (send). Allocates nothing itself.
   */
  run(segments: number): number {
    const before = this.receiving ? this.discardBytes() : this.mac.payloadOut;
    if (this.receiving) {
      for (let i = 0; i < segments; i++) {
        this.patch(SEQ_AT, this.peerSeq);
        this.step();
        this.peerSeq = (this.peerSeq + MSS) >>> 0;
      }
    } else {
      // Every step ACKs everything the board has sent; the board answers with new segments.
      for (let i = 0; this.mac.payloadOut - before < segments * MSS && i < segments * 4; i++) {
        this.patch(ACK_AT, this.mac.boardSeqEnd);
        this.step();
      }
    }
    return (this.receiving ? this.discardBytes() : this.mac.payloadOut) - before;
  }

  /**
   * From now on the board's TCP is replaced by a handler that only counts TCP payload
   * bytes, for `runInterfaceOnly` (the transfer cannot continue afterwards).
   */
  isolateInterface(): void {
    this.stack.net.setProtocolHandler(IPPROTO_TCP, (ip) => {
      this.interfaceBytes += ip.payloadEnd - ip.payloadStart - 20; // the peer's segments carry no options
    });
    this.frameView = this.mac.frame.subarray(0, this.mac.frameLength);
  }

  /** `frames` data segments straight into the interface's `handleFrame`; returns the bytes TCP would have got. */
  runInterfaceOnly(frames: number): number {
    const before = this.interfaceBytes;
    for (let i = 0; i < frames; i++) {
      this.patch(SEQ_AT, this.peerSeq);
      this.stack.net.handleFrame(this.frameView);
      this.peerSeq = (this.peerSeq + MSS) >>> 0;
    }
    return this.interfaceBytes - before;
  }

  /** Writes a complete peer frame into the MAC's receive buffer. */
  private buildFrame(port: number, flags: number, seq: number, ack: number, payloadLength: number): void {
    const frame = this.mac.frame;
    emitEthernetHeader(BOARD_MAC, PEER_MAC, ETHERTYPE_IPV4, frame, 0);
    const payload = new Uint8Array(payloadLength).fill(0x61);
    const tcpLength = emitTcp(
      { srcPort: PEER_PORT, dstPort: port, seq, ack, flags, window: 0xffff, urgent: 0, options: flags & TCP_SYN ? { mss: MSS } : {} },
      payload, PEER_IP, BOARD_IP, frame, TCP_OFFSET,
    );
    emitIpv4Header({ src: PEER_IP, dst: BOARD_IP, protocol: IPPROTO_TCP, ttl: 64, tos: 0, ident: 1 }, tcpLength, frame, ETHERNET_HEADER_LEN);
    this.mac.frameLength = TCP_OFFSET + tcpLength;
  }

  /** Replaces the u32 at `offset` (seq or ack) and updates the TCP checksum by RFC 1624. */
  private patch(offset: number, value: number): void {
    const frame = this.mac.frame;
    const old = this.patchedValue;
    let sum = (frame[CHECKSUM_AT] << 8) | frame[CHECKSUM_AT + 1];
    sum = checksumAdjust(sum, old >>> 16, value >>> 16);
    sum = checksumAdjust(sum, old & 0xffff, value & 0xffff);
    writeU32(frame, offset, value);
    writeU16(frame, CHECKSUM_AT, sum);
    this.patchedValue = value >>> 0;
  }

  /** Delivers the frame and lets the board's scheduler run what became due. */
  private step(): void {
    this.mac.deliver(this.mac.frameLength);
    this.time += STEP_MS;
    this.clock.advanceTo(this.time);
  }
}
