/**
 * The XS host's MAC adapter (hosts/xs/ts/xs-tap-mac.ts) with the native TAP functions
 * replaced by a fake kernel: bounded receive queue with counted drops, the receive
 * notification only when the queue stops being empty, read batches, transmit results,
 * the descriptor watch list and failure handling.
 */
import { XsTapMac, type TapNatives } from '../../hosts/xs/ts/xs-tap-mac.js';

interface FakeHost {
  watched: Set<number>;
  onReadable?: (fd: number) => void;
  watch(fd: number): void;
  unwatch(fd: number): void;
}

const host: FakeHost = {
  watched: new Set(),
  watch(fd) {
    this.watched.add(fd);
  },
  unwatch(fd) {
    this.watched.delete(fd);
  },
};
(globalThis as unknown as { xsHost: FakeHost }).xsHost = host;

class FakeKernel implements TapNatives {
  pending: ArrayBuffer[] = [];
  written: Uint8Array[] = [];
  refuse = false;
  failRead = false;
  closed: number[] = [];
  reads = 0;
  tapOpen(): number {
    return 42;
  }
  tapRead(): ArrayBuffer | undefined {
    this.reads++;
    if (this.failRead) throw new Error('EBADF');
    return this.pending.shift();
  }
  tapWrite(_fd: number, frame: Uint8Array): boolean {
    if (this.refuse) return false;
    this.written.push(frame.slice());
    return true;
  }
  tapClose(fd: number): void {
    this.closed.push(fd);
  }
}

const MAC = new Uint8Array([2, 0, 0, 0, 0, 2]);
const frame = (n: number) => new Uint8Array(60).fill(n).buffer;

describe('XsTapMac', () => {
  it('watches its descriptor, queues what the kernel has, and notifies once per empty-to-non-empty', () => {
    const kernel = new FakeKernel();
    const mac = XsTapMac.open('xstap0', MAC, { rxQueueFrames: 8 }, kernel);
    expect(host.watched.has(42)).toBe(true);
    let notified = 0;
    mac.setReceiveNotify(() => notified++);
    kernel.pending.push(frame(1), frame(2));
    host.onReadable!(42);
    expect(notified).toBe(1);
    kernel.pending.push(frame(3));
    host.onReadable!(42);
    expect(notified).toBe(1); // the queue was not empty
    expect([mac.receive()![0], mac.receive()![0], mac.receive()![0]]).toEqual([1, 2, 3]);
    expect(mac.receive()).toBeUndefined();
    kernel.pending.push(frame(4));
    host.onReadable!(42);
    expect(notified).toBe(2);
    expect(mac.stats.rxFrames).toBe(4);
    mac.close();
  });

  it('drops and counts frames beyond the queue, and reads at most rxBatch per event', () => {
    const kernel = new FakeKernel();
    const mac = XsTapMac.open('xstap0', MAC, { rxQueueFrames: 3, rxBatch: 5 }, kernel);
    for (let i = 0; i < 7; i++) kernel.pending.push(frame(i));
    mac.onReadable();
    expect(kernel.pending.length).toBe(2); // 5 read this time
    expect(mac.pendingReceive()).toBe(3);
    expect(mac.stats).toMatchObject({ rxFrames: 3, rxDropped: 2 });
    mac.onReadable();
    expect(mac.stats).toMatchObject({ rxFrames: 3, rxDropped: 4 });
    expect(mac.receive()![0]).toBe(0);
    mac.close();
  });

  it('transmits through the kernel and counts refusals; a closed driver refuses', () => {
    const kernel = new FakeKernel();
    const mac = XsTapMac.open('xstap0', MAC, {}, kernel);
    expect(mac.transmit(new Uint8Array([1, 2, 3]))).toBe(true);
    kernel.refuse = true;
    expect(mac.transmit(new Uint8Array([4]))).toBe(false);
    kernel.refuse = false;
    mac.close();
    expect(mac.linkUp()).toBe(false);
    expect(mac.transmit(new Uint8Array([5]))).toBe(false);
    expect(kernel.written).toEqual([new Uint8Array([1, 2, 3])]);
    expect(mac.stats).toMatchObject({ txFrames: 1, txRefused: 2 });
    expect(kernel.closed).toEqual([42]);
    expect(host.watched.has(42)).toBe(false);
    mac.close(); // idempotent
    expect(kernel.closed).toEqual([42]);
  });

  it('closes itself and reports once when reading fails', () => {
    const kernel = new FakeKernel();
    const errors: string[] = [];
    const mac = XsTapMac.open('xstap0', MAC, { onError: (e) => errors.push(e.message) }, kernel);
    kernel.failRead = true;
    mac.onReadable();
    mac.onReadable();
    expect(errors).toEqual(['EBADF']);
    expect(mac.linkUp()).toBe(false);
    expect(kernel.reads).toBe(1);
  });

  it('rejects a MAC address that is not 6 bytes and closes the descriptor', () => {
    const kernel = new FakeKernel();
    expect(() => XsTapMac.open('xstap0', new Uint8Array(5), {}, kernel)).toThrow(RangeError);
    expect(kernel.closed).toEqual([42]);
  });
});
