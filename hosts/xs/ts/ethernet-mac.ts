/**
 * The MacDriver over the native Ethernet host module ("xstcp/ethernet": the C core of
 * targets/common with the platform's driver), the same on our XS host and in Moddable.
 * Frames wait in the module's C receive queue (preallocated slots, drops counted there);
 * its onReadable — the Rx interrupt — tells the stack when the queue stops being empty,
 * and receive() copies the oldest frame into one reused buffer. The stack is done with a
 * frame before it asks for the next (µTasker's Rx buffer descriptors are reused the same
 * way), so the receive path allocates nothing: the views of that buffer are made once
 * per frame length and kept.
 */
import type { MacDriver } from '../../../src/host/mac.js';
import type Ethernet from '../../../targets/common/ethernet.js';
import type { EthernetOptions, EthernetStats } from '../../../targets/common/ethernet.js';

/** Bytes of a receive slot (XSTCP_ETH_MAX_FRAME in targets/common/xstcp_ethernet.h). */
export const ETHERNET_MAX_FRAME = 1536;

/** Receive slots on a host with memory to spare (1.5 MiB of slots). */
export const DEFAULT_ETHERNET_QUEUE = 1024;

/** The module's class, passed in so that tests (and each runtime) supply their own. */
export type EthernetClass = new (options: EthernetOptions) => Ethernet;

export interface EthernetMacOptions {
  /** Receive slots (default DEFAULT_ETHERNET_QUEUE). */
  queue?: number;
  /** Called once if the device fails (deleted...); the driver is closed by then. */
  onError?: (error: Error) => void;
}

export class EthernetMac implements MacDriver {
  readonly macAddress: Uint8Array;
  readonly name: string;
  private readonly device: Ethernet;
  private readonly buffer = new Uint8Array(ETHERNET_MAX_FRAME);
  private readonly views: (Uint8Array | undefined)[] = [];
  private notify: (() => void) | undefined;
  private open = true;

  /** Opens (or attaches to) device `name`; throws the module's Error on failure. */
  static open(EthernetModule: EthernetClass, name: string, macAddress: Uint8Array, options: EthernetMacOptions = {}): EthernetMac {
    return new EthernetMac(EthernetModule, name, macAddress, options);
  }

  private constructor(EthernetModule: EthernetClass, name: string, macAddress: Uint8Array, options: EthernetMacOptions) {
    if (macAddress.length !== 6) throw new RangeError('EthernetMac: macAddress must be 6 bytes');
    this.name = name;
    this.macAddress = macAddress.slice();
    const onError = options.onError;
    this.device = new EthernetModule({
      device: name,
      mac: this.macAddress,
      queue: options.queue ?? DEFAULT_ETHERNET_QUEUE,
      onReadable: () => this.notify?.(),
      onError: (message: string) => {
        this.open = false;
        onError?.(new Error(message));
      },
    });
  }

  transmit(frame: Uint8Array): boolean {
    return this.device.write(frame);
  }

  receive(): Uint8Array | undefined {
    const length = this.device.read(this.buffer);
    if (length === 0) return undefined;
    let view = this.views[length];
    if (view === undefined) {
      view = this.buffer.subarray(0, length);
      this.views[length] = view;
    }
    return view;
  }

  setReceiveNotify(notify: () => void): void {
    this.notify = notify;
    // Frames that came before anyone listened raised no edge of their own.
    if (this.device.stats.rxPending > 0) notify();
  }

  linkUp(): boolean {
    return this.open && this.device.linkUp;
  }

  /** Counters of the C core: rxFrames, rxDropped, rxPending, txFrames, txRefused. */
  get stats(): EthernetStats {
    return this.device.stats;
  }

  /** Stops receiving and closes the device (idempotent); queued frames can still be pulled. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.device.close();
  }
}
