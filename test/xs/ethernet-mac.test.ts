/**
 * The stack's MacDriver over the Ethernet host module (hosts/xs/ts/ethernet-mac.ts) with
 * the module's class replaced by a fake device: options passed down, the Rx-interrupt
 * notification (also for frames that came before anyone listened), frames read into one
 * reused buffer with one view per length (nothing allocated per frame), transmit, link,
 * close and device failure.
 */
import { DEFAULT_ETHERNET_QUEUE, ETHERNET_MAX_FRAME, EthernetMac, type EthernetClass } from '../../hosts/xs/ts/ethernet-mac.js';
import type { EthernetOptions, EthernetStats } from '../../targets/common/ethernet.js';

class FakeEthernet {
  static last: FakeEthernet;
  readonly options: EthernetOptions;
  pending: Uint8Array[] = [];
  written: Uint8Array[] = [];
  refuse = false;
  closed = 0;
  reads = 0;
  constructor(options: EthernetOptions) {
    this.options = options;
    FakeEthernet.last = this;
  }
  /** The driver queued a frame: the edge calls onReadable. */
  arrive(frame: Uint8Array): void {
    this.pending.push(frame);
    if (this.pending.length === 1) this.options.onReadable?.call(this as never, 1);
  }
  write(bytes: Uint8Array): boolean {
    if (this.refuse || this.closed > 0) return false;
    this.written.push(bytes.slice());
    return true;
  }
  read(buffer: Uint8Array): number {
    this.reads++;
    const frame = this.pending.shift();
    if (frame === undefined) return 0;
    buffer.set(frame);
    return frame.length;
  }
  close(): void {
    this.closed++;
  }
  get linkUp(): boolean {
    return this.closed === 0;
  }
  get stats(): EthernetStats {
    return { rxFrames: 0, rxDropped: 0, rxPending: this.pending.length, txFrames: this.written.length, txRefused: 0 };
  }
  get macAddress(): ArrayBuffer | undefined {
    return undefined;
  }
}

const Fake = FakeEthernet as unknown as EthernetClass;
const MAC = new Uint8Array([2, 0, 0, 0, 0, 2]);
const frame = (length: number, fill: number) => new Uint8Array(length).fill(fill);

describe('EthernetMac', () => {
  it('opens the device with its name, a copy of the MAC and the queue size', () => {
    const mac = EthernetMac.open(Fake, 'tap9', MAC, { queue: 16 });
    const device = FakeEthernet.last;
    expect(device.options).toMatchObject({ device: 'tap9', queue: 16 });
    expect(Array.from(device.options.mac as Uint8Array)).toEqual([2, 0, 0, 0, 0, 2]);
    expect(mac.macAddress).not.toBe(MAC);
    EthernetMac.open(Fake, 'tap9', MAC);
    expect(FakeEthernet.last.options.queue).toBe(DEFAULT_ETHERNET_QUEUE);
    expect(ETHERNET_MAX_FRAME).toBe(1536);
  });

  it('rejects a MAC address that is not 6 bytes before opening anything', () => {
    const before = FakeEthernet.last;
    expect(() => EthernetMac.open(Fake, 'tap9', new Uint8Array(5))).toThrow(RangeError);
    expect(FakeEthernet.last).toBe(before);
  });

  it('notifies on the edge, and at once for frames that came before anyone listened', () => {
    const mac = EthernetMac.open(Fake, 'tap9', MAC);
    const device = FakeEthernet.last;
    device.arrive(frame(60, 1));
    let notified = 0;
    mac.setReceiveNotify(() => notified++);
    expect(notified).toBe(1);
    expect(mac.receive()![0]).toBe(1);
    expect(mac.receive()).toBeUndefined();
    device.arrive(frame(60, 2));
    device.arrive(frame(60, 3));
    expect(notified).toBe(2);
  });

  it('returns exact frames from one reused buffer, one view per length', () => {
    const mac = EthernetMac.open(Fake, 'tap9', MAC);
    const device = FakeEthernet.last;
    device.pending.push(frame(60, 7), frame(1514, 8), frame(60, 9));
    const a = mac.receive()!;
    expect(Array.from(a)).toEqual(Array.from(frame(60, 7)));
    const b = mac.receive()!;
    expect(b.length).toBe(1514);
    expect(b.every((x) => x === 8)).toBe(true);
    const c = mac.receive()!;
    expect(c).toBe(a); // the same view object: nothing allocated for a length seen before
    expect(Array.from(c)).toEqual(Array.from(frame(60, 9)));
    expect(c.buffer).toBe(b.buffer);
    expect(mac.receive()).toBeUndefined();
  });

  it('transmits through the device and reports refusals', () => {
    const mac = EthernetMac.open(Fake, 'tap9', MAC);
    const device = FakeEthernet.last;
    expect(mac.transmit(new Uint8Array([1, 2, 3]))).toBe(true);
    device.refuse = true;
    expect(mac.transmit(new Uint8Array([4]))).toBe(false);
    expect(device.written).toEqual([new Uint8Array([1, 2, 3])]);
    expect(mac.stats.txFrames).toBe(1);
  });

  it('closes once; the link goes down', () => {
    const mac = EthernetMac.open(Fake, 'tap9', MAC);
    const device = FakeEthernet.last;
    expect(mac.linkUp()).toBe(true);
    mac.close();
    mac.close();
    expect(device.closed).toBe(1);
    expect(mac.linkUp()).toBe(false);
  });

  it('reports a device failure once as an Error and stops claiming a link', () => {
    const errors: Error[] = [];
    const mac = EthernetMac.open(Fake, 'tap9', MAC, { onError: (e) => errors.push(e) });
    FakeEthernet.last.options.onError?.call(FakeEthernet.last as never, 'TAP read: gone');
    expect(errors.map((e) => e.message)).toEqual(['TAP read: gone']);
    expect(mac.linkUp()).toBe(false);
    mac.close();
    expect(FakeEthernet.last.closed).toBe(0); // already closed by the module
  });
});
