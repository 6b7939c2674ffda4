/**
 * The MacDriver of the firmware: the board's Ethernet controller through the native
 * Ethernet class (targets/common/ethernet.js over ethernet_xs.c and the board's driver,
 * e.g. the LAN9118's). Received frames wait in the C frame queue until the stack pulls
 * them; the class's onReadable (the main loop saw frames waiting) is the Rx interrupt,
 * passed on once per empty -> non-empty edge.
 */
import Ethernet from 'xstcp/ethernet';
import type { MacDriver } from '../../../src/host/mac.js';

/** Receive slots of 1536 bytes in the C queue (48 KiB of RAM). */
export const FW_RX_QUEUE_FRAMES = 32;

export class FwEthernetMac implements MacDriver {
  readonly macAddress: Uint8Array;
  private readonly ethernet: Ethernet;
  private notify: (() => void) | undefined;
  /** True from a notify until the stack finds the queue empty. */
  private notified = false;

  constructor(macAddress: Uint8Array, queue = FW_RX_QUEUE_FRAMES) {
    if (macAddress.length !== 6) throw new RangeError('FwEthernetMac: macAddress must be 6 bytes');
    this.macAddress = macAddress.slice();
    this.ethernet = new Ethernet({ device: '', mac: this.macAddress, queue, onReadable: () => this.onReadable() });
  }

  transmit(frame: Uint8Array): boolean {
    return this.ethernet.write(frame);
  }

  receive(): Uint8Array | undefined {
    const buffer = this.ethernet.read();
    if (buffer === undefined) {
      this.notified = false;
      return undefined;
    }
    return new Uint8Array(buffer);
  }

  setReceiveNotify(notify: () => void): void {
    this.notify = notify;
  }

  linkUp(): boolean {
    return this.ethernet.linkUp;
  }

  get stats() {
    return this.ethernet.stats;
  }

  close(): void {
    this.ethernet.close();
  }

  private onReadable(): void {
    if (this.notified) return;
    this.notified = true;
    this.notify?.();
  }
}
