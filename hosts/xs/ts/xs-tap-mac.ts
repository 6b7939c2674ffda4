/// <reference path="../types/xs-host.d.ts" />
/**
 * The MacDriver of the XS host: a Linux TAP device through the native host module
 * (xsHost.tapOpen/tapRead/tapWrite). The event loop polls the device; each time it is
 * readable we pull up to `rxBatch` frames into a bounded queue (further frames wait in
 * the kernel; frames beyond the queue's capacity are dropped and counted) and tell the
 * stack, like an Rx interrupt, when the queue stops being empty.
 */
import type { MacDriver } from '../../../src/host/mac.js';
import { DEFAULT_RX_QUEUE_FRAMES, ReceiveQueue } from '../../common/frame-queue.js';
import { unwatchDescriptor, watchDescriptor } from './fd-events.js';

/** Frames read per readable event before timers and other descriptors get a turn. */
export const DEFAULT_RX_BATCH = 64;


export interface XsTapMacStats {
  rxFrames: number;
  /** Read from the device but dropped: the queue was full. */
  rxDropped: number;
  txFrames: number;
  /** Refused: the device would block or failed, or the driver is closed. */
  txRefused: number;
}

export interface XsTapMacOptions {
  rxQueueFrames?: number;
  rxBatch?: number;
  /** Called once if reading the device fails (it was deleted...); the driver is closed by then. */
  onError?: (error: Error) => void;
}

/** The native functions the driver uses (tests substitute them). */
export type TapNatives = Pick<XsHostNatives, 'tapOpen' | 'tapRead' | 'tapWrite' | 'tapClose'>;

export class XsTapMac implements MacDriver {
  readonly macAddress: Uint8Array;
  readonly name: string;
  readonly stats: XsTapMacStats = { rxFrames: 0, rxDropped: 0, txFrames: 0, txRefused: 0 };
  private readonly queue: ReceiveQueue;
  private readonly rxBatch: number;
  private readonly onError: ((error: Error) => void) | undefined;
  private open = true;

  /** Opens (or attaches to) the TAP device `name`; throws the host's Error on failure. */
  static open(name: string, macAddress: Uint8Array, options: XsTapMacOptions = {}, natives: TapNatives = xsHost): XsTapMac {
    const fd = natives.tapOpen(name);
    try {
      return new XsTapMac(natives, fd, name, macAddress, options);
    } catch (error) {
      natives.tapClose(fd);
      throw error;
    }
  }

  constructor(private readonly natives: TapNatives, private readonly fd: number, name: string, macAddress: Uint8Array, options: XsTapMacOptions = {}) {
    if (macAddress.length !== 6) throw new RangeError('XsTapMac: macAddress must be 6 bytes');
    const batch = options.rxBatch ?? DEFAULT_RX_BATCH;
    if (!(Number.isInteger(batch) && batch >= 1 && batch <= 4096)) throw new RangeError(`XsTapMac: rxBatch must be an integer 1..4096, got ${batch}`);
    this.name = name;
    this.macAddress = macAddress.slice();
    this.queue = new ReceiveQueue(options.rxQueueFrames ?? DEFAULT_RX_QUEUE_FRAMES, this.stats);
    this.rxBatch = batch;
    this.onError = options.onError;
    watchDescriptor(fd, () => this.onReadable());
  }

  transmit(frame: Uint8Array): boolean {
    if (this.open && this.natives.tapWrite(this.fd, frame)) {
      this.stats.txFrames++;
      return true;
    }
    this.stats.txRefused++;
    return false;
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

  pendingReceive(): number {
    return this.queue.length;
  }

  /** Stops receiving and closes the device (idempotent); queued frames can still be pulled. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    unwatchDescriptor(this.fd);
    this.natives.tapClose(this.fd);
  }

  /** Pulls what the kernel has (bounded by rxBatch); public so tests can drive it. */
  onReadable(): void {
    if (!this.open) return;
    for (let i = 0; i < this.rxBatch; i++) {
      let buffer: ArrayBuffer | undefined;
      try {
        buffer = this.natives.tapRead(this.fd);
      } catch (error) {
        this.close();
        this.onError?.(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (buffer === undefined) break;
      this.queue.add(new Uint8Array(buffer));
    }
  }
}
