import { closeSync, openSync, writeSync } from 'node:fs';
import type { CaptureSink } from '../common/capture.js';
import { PcapWriter, type PcapWriterOptions } from '../common/pcap.js';

/** Bytes buffered before a write to the file. */
export const PCAP_FILE_FLUSH_BYTES = 1 << 20;

/**
 * A pcap file on disk (Node only): the header at once, then records, buffered and written
 * whenever 1 MiB has gathered, on `flush()` and on `close()`. Writes are synchronous: a
 * capture must be complete even when the process ends right after `close()`.
 */
export class PcapFile {
  readonly path: string;
  readonly writer: PcapWriter;
  /** Frames recorded so far. */
  frameCount = 0;
  private fd: number | undefined;
  private readonly buffer = new Uint8Array(PCAP_FILE_FLUSH_BYTES);
  private used = 0;

  /** Creates (or truncates) the file at `path`; throws what `fs.openSync` throws. */
  constructor(path: string, options: PcapWriterOptions = {}) {
    this.path = path;
    this.writer = new PcapWriter(options);
    this.fd = openSync(path, 'w');
    this.buffer.set(this.writer.header(), 0);
    this.used = this.writer.header().length;
  }

  /** Appends one frame; ignored after `close()`. */
  write(timestampMs: number, frame: Uint8Array): void {
    if (this.fd === undefined) return;
    const length = this.writer.recordLength(frame);
    if (this.used + length > this.buffer.length) this.flush();
    if (length > this.buffer.length) {
      // Larger than the whole buffer (only with a huge snaplen): write it on its own.
      this.writeAll(this.writer.record(timestampMs, frame));
    } else {
      this.used += this.writer.writeRecord(this.buffer, this.used, timestampMs, frame);
    }
    this.frameCount++;
    if (this.used >= this.buffer.length) this.flush();
  }

  /** A capture sink (for `captureMac` or a LAN observer) writing every frame. */
  readonly sink: CaptureSink = (timestampMs, frame) => this.write(timestampMs, frame);

  /** Writes everything buffered to the file. */
  flush(): void {
    if (this.fd === undefined || this.used === 0) return;
    this.writeAll(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  /** Flushes and closes; further calls do nothing. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }

  private writeAll(bytes: Uint8Array): void {
    let done = 0;
    // writeSync may write less than asked; a pass that writes nothing would never end.
    while (done < bytes.length) {
      const written = writeSync(this.fd!, bytes, done, bytes.length - done);
      if (written <= 0) throw new Error(`PcapFile: write to ${this.path} made no progress`);
      done += written;
    }
  }
}
