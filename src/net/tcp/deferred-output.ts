/**
 * Output after input for data (lwIP's tcp_output after tcp_input): segments that a
 * listener sends while the stack handles a received segment wait here and leave when that
 * segment is finished (TcpCore.endInput). The listener's fnSendTCP / fnSendBufTCP returns
 * at once, so the transmit path no longer runs on top of the receive path's call chain
 * (the XS stack depth), and each data segment carries the ACK the received one made due.
 *
 * Records live in typed arrays (no object per segment). Simple-TCP payloads are copied,
 * since the application may reuse its buffer; a buffered socket's bytes stay in its send
 * buffer and are copied out when the segment leaves. The queue is bounded: a segment that
 * does not fit makes the caller flush the queue first and send at once, as before.
 */
import { copyBytes, type PrefixView } from '../wire/bytes.js';
import type { SegmentOutput } from './output.js';
import { seqDiff } from './seq.js';
import type { TcpSocket } from './socket.js';

/** Marks a record whose bytes are in the socket's send buffer, not in `bytes`. */
const FROM_SEND_BUFFER = -1;
/** Marks a record already sent (flushSocket) or dropped. */
const DONE = -1;

export class DeferredSegments {
  private readonly socket: Int16Array;
  private readonly generation: Float64Array;
  private readonly seq: Float64Array;
  private readonly length: Int32Array;
  private readonly flags: Uint8Array;
  /** Where a simple-TCP payload starts in `bytes`, or FROM_SEND_BUFFER. */
  private readonly at: Int32Array;
  /** Copies of simple-TCP payloads; allocated on first use (buffered-only boards never need it). */
  private bytes: Uint8Array | undefined = undefined;
  private count = 0;
  private used = 0;

  constructor(private readonly maxSegments: number, private readonly maxBytes: number) {
    this.socket = new Int16Array(maxSegments);
    this.generation = new Float64Array(maxSegments);
    this.seq = new Float64Array(maxSegments);
    this.length = new Int32Array(maxSegments);
    this.flags = new Uint8Array(maxSegments);
    this.at = new Int32Array(maxSegments);
  }

  get pending(): number {
    return this.count;
  }

  /** Queues a copy of `payload` to go at `seq`; false when it does not fit. */
  addCopy(s: TcpSocket, flags: number, seq: number, payload: Uint8Array): boolean {
    const n = payload.length;
    if (this.count === this.maxSegments || this.used + n > this.maxBytes) return false;
    if (this.bytes === undefined) this.bytes = new Uint8Array(this.maxBytes);
    this.bytes.set(payload, this.used);
    this.record(s, flags, seq, n, this.used);
    this.used += n;
    return true;
  }

  /** Queues `length` bytes of the socket's send buffer to go at `seq`; false when full. */
  addRange(s: TcpSocket, flags: number, seq: number, length: number): boolean {
    if (this.count === this.maxSegments) return false;
    this.record(s, flags, seq, length, FROM_SEND_BUFFER);
    return true;
  }

  private record(s: TcpSocket, flags: number, seq: number, length: number, at: number): void {
    const i = this.count++;
    this.socket[i] = s.index;
    this.generation[i] = s.generation;
    this.seq[i] = seq >>> 0;
    this.length[i] = length;
    this.flags[i] = flags;
    this.at[i] = at;
  }

  /** Sends every queued segment in order and empties the queue. */
  flush(out: SegmentOutput, sockets: readonly TcpSocket[], scratch: PrefixView): void {
    for (let i = 0; i < this.count; i++) {
      const index = this.socket[i];
      if (index !== DONE) this.emit(i, out, sockets[index], scratch);
    }
    this.count = 0;
    this.used = 0;
  }

  /** Sends the queued segments of `s` now (before its connection ends or is reused). */
  flushSocket(out: SegmentOutput, s: TcpSocket, scratch: PrefixView): void {
    for (let i = 0; i < this.count; i++) {
      if (this.socket[i] !== s.index) continue;
      this.emit(i, out, s, scratch);
      this.socket[i] = DONE;
    }
  }

  /**
   * Sends record i, unless its connection is gone. A buffered range is taken from the send
   * buffer as it is now: bytes the peer acknowledged meanwhile are skipped.
   */
  private emit(i: number, out: SegmentOutput, s: TcpSocket, scratch: PrefixView): void {
    if (s.generation !== this.generation[i]) return;
    const at = this.at[i];
    let seq = this.seq[i];
    let n = this.length[i];
    if (at !== FROM_SEND_BUFFER) {
      // Through the scratch, whose views are kept: a native copy costs less than a view.
      const copied = copyBytes(scratch.buffer, 0, this.bytes as Uint8Array, at, at + n);
      out.send(s, this.flags[i], seq, scratch.view(copied));
      return;
    }
    const tx = s.tx;
    if (tx === undefined) return;
    let offset = seqDiff(seq, s.sndUna);
    if (offset < 0) {
      n += offset;
      seq = (seq - offset) >>> 0;
      offset = 0;
    }
    if (n <= 0) return;
    const copied = tx.buffer.copyOut(offset, Math.min(n, scratch.buffer.length), scratch.buffer, 0);
    if (copied > 0) out.send(s, this.flags[i], seq, scratch.view(copied));
  }
}
