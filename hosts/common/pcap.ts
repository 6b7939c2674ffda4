import type { CaptureSink } from './capture.js';

/**
 * Classic libpcap files (what tcpdump writes and Wireshark/tshark read): a 24-byte file
 * header, then per frame a 16-byte record header and the frame bytes. Written
 * little-endian. Timestamps come in milliseconds on the host's clock plus an epoch
 * offset, so a capture on the virtual clock is the same bytes on every engine and run.
 */
export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
export const PCAP_DEFAULT_SNAPLEN = 262144;
export const LINKTYPE_ETHERNET = 1;
export const PCAP_FILE_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

const MAX_U32 = 0xffffffff;

export interface PcapWriterOptions {
  /** Nanosecond timestamps (magic 0xa1b23c4d) instead of microseconds. */
  nanosecond?: boolean;
  /** Longest frame part stored; longer frames are cut (orig_len keeps the real length). Default 262144. */
  snaplen?: number;
  /** Added to every timestamp: e.g. the wall-clock ms of the clock's origin. Default 0. */
  epochMs?: number;
}

/** Encodes the pcap file header and records; keeps no state besides its options. */
export class PcapWriter {
  readonly nanosecond: boolean;
  readonly snaplen: number;
  readonly epochMs: number;
  private readonly unitsPerSecond: number;

  constructor(options: PcapWriterOptions = {}) {
    const snaplen = options.snaplen ?? PCAP_DEFAULT_SNAPLEN;
    if (!(Number.isInteger(snaplen) && snaplen > 0 && snaplen <= MAX_U32)) throw new RangeError(`PcapWriter: bad snaplen ${snaplen}`);
    const epochMs = options.epochMs ?? 0;
    if (!Number.isFinite(epochMs)) throw new RangeError(`PcapWriter: bad epochMs ${epochMs}`);
    this.nanosecond = options.nanosecond ?? false;
    this.snaplen = snaplen;
    this.epochMs = epochMs;
    this.unitsPerSecond = this.nanosecond ? 1_000_000_000 : 1_000_000;
  }

  /** The 24-byte file header. */
  header(): Uint8Array {
    const bytes = new Uint8Array(PCAP_FILE_HEADER_LENGTH);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, this.nanosecond ? PCAP_MAGIC_NANOSECONDS : PCAP_MAGIC_MICROSECONDS, true);
    view.setUint16(4, PCAP_VERSION_MAJOR, true);
    view.setUint16(6, PCAP_VERSION_MINOR, true);
    view.setInt32(8, 0, true); // thiszone: timestamps are UTC
    view.setUint32(12, 0, true); // sigfigs
    view.setUint32(16, this.snaplen, true);
    view.setUint32(20, LINKTYPE_ETHERNET, true);
    return bytes;
  }

  /** Bytes `record` produces for this frame. */
  recordLength(frame: Uint8Array): number {
    return PCAP_RECORD_HEADER_LENGTH + Math.min(frame.length, this.snaplen);
  }

  /** One record (header and frame) as a new array. */
  record(timestampMs: number, frame: Uint8Array): Uint8Array {
    const bytes = new Uint8Array(this.recordLength(frame));
    this.writeRecord(bytes, 0, timestampMs, frame);
    return bytes;
  }

  /**
   * Writes one record into `out` at `offset` (which must have `recordLength(frame)` bytes
   * free) and returns the bytes written. Times before the epoch are stored as 0; after
   * 2106 (u32 seconds overflow) as the largest time.
   */
  writeRecord(out: Uint8Array, offset: number, timestampMs: number, frame: Uint8Array): number {
    const included = Math.min(frame.length, this.snaplen);
    const units = this.unitsPerSecond;
    const t = this.epochMs + timestampMs;
    let seconds = 0;
    let fraction = 0;
    if (t > 0) {
      seconds = Math.floor(t / 1000);
      fraction = Math.round((t - seconds * 1000) * (units / 1000));
      if (fraction >= units) {
        seconds++;
        fraction -= units;
      }
      if (seconds > MAX_U32) {
        seconds = MAX_U32;
        fraction = units - 1;
      }
    }
    const view = new DataView(out.buffer, out.byteOffset + offset, PCAP_RECORD_HEADER_LENGTH);
    view.setUint32(0, seconds, true);
    view.setUint32(4, fraction, true);
    view.setUint32(8, included, true);
    view.setUint32(12, frame.length, true);
    out.set(included === frame.length ? frame : frame.subarray(0, included), offset + PCAP_RECORD_HEADER_LENGTH);
    return PCAP_RECORD_HEADER_LENGTH + included;
  }
}

/**
 * A whole pcap file in memory: the header, then every frame added. For tests and for
 * comparing captures made on different engines byte for byte.
 */
export class PcapBuffer {
  readonly writer: PcapWriter;
  /** Frames recorded so far. */
  frameCount = 0;
  private buffer: Uint8Array;
  private used: number;

  constructor(options: PcapWriterOptions = {}) {
    this.writer = new PcapWriter(options);
    this.buffer = new Uint8Array(4096);
    this.buffer.set(this.writer.header(), 0);
    this.used = PCAP_FILE_HEADER_LENGTH;
  }

  /** Appends one frame (copied). */
  add(timestampMs: number, frame: Uint8Array): void {
    const needed = this.used + this.writer.recordLength(frame);
    if (needed > this.buffer.length) {
      let capacity = this.buffer.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, this.used), 0);
      this.buffer = grown;
    }
    this.used += this.writer.writeRecord(this.buffer, this.used, timestampMs, frame);
    this.frameCount++;
  }

  /** A capture sink (for `captureMac`) that adds every frame, whatever its direction. */
  readonly sink: CaptureSink = (timestampMs, frame) => this.add(timestampMs, frame);

  /** Bytes of the file so far. */
  get length(): number {
    return this.used;
  }

  /** A copy of the file so far. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.used);
  }
}

export interface PcapRecord {
  /** ms since the epoch given to `readPcap` (default 0), fractional below 1 ms. */
  timestampMs: number;
  /** The stored bytes (a copy; may be shorter than the original after snaplen). */
  frame: Uint8Array;
  /** The frame's length on the wire (orig_len). */
  originalLength: number;
}

/**
 * Reads a classic pcap file of either byte order and resolution. Meant for tests: a file
 * that is not pcap, or is cut inside a record, throws RangeError rather than being read
 * partially.
 */
export function readPcap(bytes: Uint8Array, options: { epochMs?: number } = {}): PcapRecord[] {
  if (bytes.length < PCAP_FILE_HEADER_LENGTH) throw new RangeError('readPcap: shorter than the file header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let littleEndian = true;
  let magic = view.getUint32(0, true);
  if (magic !== PCAP_MAGIC_MICROSECONDS && magic !== PCAP_MAGIC_NANOSECONDS) {
    littleEndian = false;
    magic = view.getUint32(0, false);
  }
  if (magic !== PCAP_MAGIC_MICROSECONDS && magic !== PCAP_MAGIC_NANOSECONDS) {
    throw new RangeError(`readPcap: unknown magic 0x${view.getUint32(0, false).toString(16)}`);
  }
  const unitsPerMs = magic === PCAP_MAGIC_NANOSECONDS ? 1_000_000 : 1000;
  const epochMs = options.epochMs ?? 0;
  const records: PcapRecord[] = [];
  let offset = PCAP_FILE_HEADER_LENGTH;
  // Each pass consumes at least a record header, so the loop ends.
  while (offset < bytes.length) {
    if (offset + PCAP_RECORD_HEADER_LENGTH > bytes.length) throw new RangeError(`readPcap: record header cut at byte ${offset}`);
    const seconds = view.getUint32(offset, littleEndian);
    const fraction = view.getUint32(offset + 4, littleEndian);
    const included = view.getUint32(offset + 8, littleEndian);
    const original = view.getUint32(offset + 12, littleEndian);
    const start = offset + PCAP_RECORD_HEADER_LENGTH;
    if (start + included > bytes.length) throw new RangeError(`readPcap: record data cut at byte ${start}`);
    records.push({
      timestampMs: seconds * 1000 + fraction / unitsPerMs - epochMs,
      frame: bytes.slice(start, start + included),
      originalLength: original,
    });
    offset = start + included;
  }
  return records;
}
