import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { MacDriver } from '../../src/host/mac.js';
import { DEFAULT_RX_QUEUE_FRAMES, FrameQueue, ReceiveQueue } from '../common/frame-queue.js';

export { DEFAULT_RX_QUEUE_FRAMES, FrameQueue };
import type { TapAddon, TapPoller, TapWriter } from './tap/index.js';

/** Frames read per poll callback before other events get a turn. */
export const DEFAULT_RX_BATCH = 64;
/** Frames the transmit thread's ring holds (about 370 KB of full-size frames). */
export const DEFAULT_TX_SLOTS = 256;

const EAGAIN = osConstants.errno.EAGAIN;
const EWOULDBLOCK = osConstants.errno.EWOULDBLOCK;

// ---- the addon ------------------------------------------------------------------------

let addon: TapAddon | undefined;

/**
 * The addon's loader, hosts/node/tap/index.cjs, found by walking up from the running
 * script and from the working directory to the package root. (No import.meta: the same
 * source is compiled to ESM for the CLI and to CommonJS for jest.)
 * XSTCP_TAP_ADDON may name the loader (or a tap.node) explicitly.
 */
function findAddonLoader(): string | undefined {
  const fromEnv = process.env.XSTCP_TAP_ADDON;
  if (fromEnv) return fromEnv;
  const starts = [process.argv[1] ? dirname(resolve(process.argv[1])) : undefined, process.cwd()];
  for (const start of starts) {
    let dir = start;
    for (let level = 0; dir !== undefined && level < 8; level++) {
      const candidate = join(dir, 'hosts', 'node', 'tap', 'index.cjs');
      if (existsSync(candidate)) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/** Loads the native TAP addon once; throws a clear Error when it is missing or not built. */
export function loadTapAddon(): TapAddon {
  if (addon !== undefined) return addon;
  const loader = findAddonLoader();
  if (loader === undefined) throw new Error('TAP addon not found: expected hosts/node/tap/index.cjs in the package');
  addon = createRequire(loader)(loader) as TapAddon;
  return addon;
}

// ---- the receive queue ------------------------------------------------------------------


// ---- the driver -------------------------------------------------------------------------

export interface TapMacStats {
  /** Frames read from the device and queued. */
  rxFrames: number;
  /** Frames read from the device and dropped because the queue was full. */
  rxDropped: number;
  /** Frames written to the device. */
  txFrames: number;
  /** Frames refused: the device would block (EAGAIN) or the driver is closed. */
  txRefused: number;
  /** Frames the device rejected with another error (e.g. EIO while the interface is down, EINVAL for a runt). */
  txErrors: number;
}

export interface TapMacOptions {
  /** Receive queue capacity in frames (default 4096: at least a full receive window). */
  rxQueueFrames?: number;
  /** Frames read per poll callback (1..4096, default 64). */
  rxBatch?: number;
  /**
   * Frames queued for the addon's transmit thread (1..65536, default 256; the caller waits
   * while they are all taken). 0 writes each frame on the event loop's thread instead, and
   * so does an `io` without a `writer`.
   */
  txSlots?: number;
  /**
   * Called once when the device fails under us (e.g. deleted: the poll reports EBADF);
   * the driver has closed itself by then.
   */
  onError?: (error: Error) => void;
}

/** The part of the addon the driver uses once the device is open (tests substitute it). */
export type TapIo = Pick<TapAddon, 'write' | 'writeMany' | 'close' | 'poll'> & Partial<Pick<TapAddon, 'writer'>>;

/**
 * A MAC driver on a Linux TAP device (Ethernet frames, no packet info). The device lives
 * in the network namespace of the process that opened it. Received frames are queued up
 * to `rxQueueFrames` until the stack pulls them; beyond that they are dropped and
 * counted. Transmit copies the frame into the addon's bounded ring, from which a thread
 * of the addon writes it (one write(2) per frame, in order): the kernel's work on the frame
 * then overlaps the stack's work on the next one. With `txSlots: 0` each frame is written
 * at once on the event loop's thread.
 */
export class TapMac implements MacDriver {
  readonly macAddress: Uint8Array;
  /** The device's name as the kernel knows it. */
  readonly name: string;
  private readonly counters: TapMacStats = { rxFrames: 0, rxDropped: 0, txFrames: 0, txRefused: 0, txErrors: 0 };
  /** Why the device failed, once it did. */
  error: Error | undefined;

  private readonly io: TapIo;
  private readonly fd: number;
  private readonly queue: ReceiveQueue;
  private readonly poller: TapPoller;
  private readonly writer: TapWriter | undefined;
  private readonly onError: ((error: Error) => void) | undefined;
  private open = true;
  private txResults = new Int32Array(0);

  /**
   * Opens (or attaches to) the TAP device `name` in this process's network namespace.
   * Throws the addon's error (code EBUSY, EPERM, EINVAL, ...) when that fails.
   */
  static open(name: string, macAddress: Uint8Array, options: TapMacOptions = {}): TapMac {
    const tap = loadTapAddon();
    const device = tap.open(name);
    try {
      return new TapMac(tap, device.fd, device.name, macAddress, options);
    } catch (error) {
      tap.close(device.fd);
      throw error;
    }
  }

  /** Wraps an fd already bound to a TAP device; starts receiving at once. */
  constructor(io: TapIo, fd: number, name: string, macAddress: Uint8Array, options: TapMacOptions = {}) {
    if (macAddress.length !== 6) throw new RangeError('TapMac: macAddress must be 6 bytes');
    const capacity = options.rxQueueFrames ?? DEFAULT_RX_QUEUE_FRAMES;
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`TapMac: rxQueueFrames must be an integer >= 1, got ${capacity}`);
    this.io = io;
    this.fd = fd;
    this.name = name;
    this.macAddress = macAddress.slice();
    const txSlots = options.txSlots ?? DEFAULT_TX_SLOTS;
    if (!(Number.isInteger(txSlots) && txSlots >= 0 && txSlots <= 65536)) throw new RangeError(`TapMac: txSlots must be an integer from 0 to 65536, got ${txSlots}`);
    this.queue = new ReceiveQueue(capacity, this.counters);
    this.onError = options.onError;
    this.poller = io.poll(fd, (frames, error) => this.onFrames(frames, error), options.rxBatch ?? DEFAULT_RX_BATCH);
    try {
      this.writer = txSlots > 0 && io.writer !== undefined ? io.writer(fd, txSlots) : undefined;
    } catch (error) {
      this.poller.stop();
      throw error;
    }
  }

  /** What the driver counted; the transmit thread's figures include frames it still holds. */
  get stats(): TapMacStats {
    if (this.writer !== undefined) {
      const [written, refused, failed] = this.writer.counts();
      this.counters.txFrames = written;
      this.counters.txRefused = this.refusedClosed + refused;
      this.counters.txErrors = failed;
    }
    return this.counters;
  }

  transmit(frame: Uint8Array): boolean {
    if (!this.open) {
      this.refuseClosed(1);
      return false;
    }
    if (this.writer !== undefined) return this.writer.write(frame);
    return this.account(this.io.write(this.fd, frame), frame.length);
  }

  /** Transmits several frames with one call into the addon; returns how many went out. */
  transmitMany(frames: readonly Uint8Array[]): number {
    if (!this.open) {
      this.refuseClosed(frames.length);
      return 0;
    }
    if (this.writer !== undefined) {
      let queued = 0;
      for (let i = 0; i < frames.length; i++) if (this.writer.write(frames[i])) queued++;
      return queued;
    }
    if (this.txResults.length < frames.length) this.txResults = new Int32Array(Math.max(frames.length, 64));
    const results = this.txResults;
    this.io.writeMany(this.fd, frames, results);
    let sent = 0;
    for (let i = 0; i < frames.length; i++) {
      if (this.account(results[i], frames[i].length)) sent++;
    }
    return sent;
  }

  receive(): Uint8Array | undefined {
    return this.queue.take();
  }

  setReceiveNotify(notify: () => void): void {
    this.queue.setNotify(notify);
  }

  linkUp(): boolean {
    return this.open;
  }

  /** Frames waiting in the receive queue. */
  pendingReceive(): number {
    return this.queue.length;
  }

  /** Lets the process exit although the device is open (tests, daemons that exit on their own). */
  unref(): void {
    this.poller.unref();
  }

  /** Undoes `unref()`: an open device keeps the process running. */
  ref(): void {
    this.poller.ref();
  }

  /**
   * Writes the frames still queued for transmission, stops receiving and closes the fd
   * (idempotent). Frames already received can still be pulled. A non-persistent device
   * disappears; a persistent one stays, without carrier.
   */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.writer?.stop();
    this.poller.stop(); // before close(2): libuv must not watch a closed fd
    this.io.close(this.fd);
  }

  /** Frames refused because the driver is closed (the transmit thread counts its own). */
  private refusedClosed = 0;

  private refuseClosed(frames: number): void {
    this.refusedClosed += frames;
    this.counters.txRefused += frames;
  }

  private account(result: number, length: number): boolean {
    if (result === length) {
      this.counters.txFrames++;
      return true;
    }
    if (result === -EAGAIN || result === -EWOULDBLOCK) this.counters.txRefused++;
    else this.counters.txErrors++;
    return false;
  }

  private onFrames(frames: Uint8Array[] | null, error: Error | null): void {
    if (error !== null) {
      this.fail(error);
      return;
    }
    if (frames === null || !this.open) return;
    for (let i = 0; i < frames.length; i++) this.queue.add(frames[i]);
  }

  private fail(error: Error): void {
    if (!this.open) return;
    this.error = error;
    this.close();
    if (this.onError !== undefined) this.onError(error);
  }
}
