/**
 * TapMac's queue, counters and life cycle with a stand-in for the addon, and the real
 * addon loaded through the same loader under jest (CommonJS via swc): argument checks and
 * error returns that need no device.
 */
import fc from 'fast-check';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RX_BATCH, DEFAULT_RX_QUEUE_FRAMES, DEFAULT_TX_SLOTS, FrameQueue, loadTapAddon, TapMac, type TapIo } from '../../hosts/node/tap-mac.js';
import type { TapAddon, TapFramesCallback, TapWriter } from '../../hosts/node/tap/index.js';
import { addonMissingReason, describeIf } from './helpers.js';

const { EAGAIN, EIO, EBADF, EINVAL } = osConstants.errno;
const MAC = Uint8Array.of(2, 0, 0, 0, 0, 2);
const FD = 42;

/** Records what the driver asks of the addon; `deliver` plays the poll callback. */
class FakeTap implements TapIo {
  readonly calls: string[] = [];
  writeResult: (frame: Uint8Array) => number = (frame) => frame.length;
  batchLimit: number | undefined;
  active = true;
  private callback: TapFramesCallback | undefined;

  write(fd: number, frame: Uint8Array): number {
    this.calls.push(`write ${fd} ${frame.length}`);
    return this.writeResult(frame);
  }
  writeMany(fd: number, frames: readonly Uint8Array[], results?: Int32Array): number {
    this.calls.push(`writeMany ${fd} ${frames.length}`);
    let written = 0;
    frames.forEach((frame, i) => {
      const n = this.writeResult(frame);
      if (results !== undefined) results[i] = n;
      if (n >= 0) written++;
    });
    return written;
  }
  close(fd: number): number {
    this.calls.push(`close ${fd}`);
    return 0;
  }
  poll(fd: number, callback: TapFramesCallback, batchLimit?: number) {
    this.calls.push(`poll ${fd}`);
    this.callback = callback;
    this.batchLimit = batchLimit;
    return {
      stop: () => {
        this.calls.push('stop');
        this.active = false;
      },
      ref: () => void this.calls.push('ref'),
      unref: () => void this.calls.push('unref'),
      isActive: () => this.active,
    };
  }
  deliver(frames: Uint8Array[] | null, error: Error | null = null): void {
    this.callback!(frames, error);
  }
}

/** FakeTap with a transmit thread that the test drives: `counts` is what the thread reports. */
class FakeTapWithWriter extends FakeTap {
  readonly queued: Uint8Array[] = [];
  counts: [number, number, number, number] = [0, 0, 0, 0];
  slots: number | undefined;
  stopped = false;

  writer(fd: number, slots?: number): TapWriter {
    this.calls.push(`writer ${fd}`);
    this.slots = slots;
    return {
      write: (f) => {
        if (this.stopped) return false;
        this.queued.push(f.slice());
        return true;
      },
      counts: () => this.counts,
      stop: () => {
        this.calls.push('writer stop');
        this.stopped = true;
      },
    };
  }
}

/** What `fn` throws (errors made by the addon come from Node's realm, not jest's: compare fields, not classes). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}

const frame = (tag: number, length = 60): Uint8Array => new Uint8Array(length).fill(tag);

describe('FrameQueue', () => {
  it('is first in, first out, and refuses pushes beyond its capacity', () => {
    const q = new FrameQueue(2);
    expect(q.push(frame(1))).toBe(true);
    expect(q.push(frame(2))).toBe(true);
    expect(q.push(frame(3))).toBe(false);
    expect(q.length).toBe(2);
    expect(q.shift()![0]).toBe(1);
    expect(q.push(frame(4))).toBe(true); // wraps around
    expect([q.shift()![0], q.shift()![0], q.shift()]).toEqual([2, 4, undefined]);
    expect(q.length).toBe(0);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new FrameQueue(0)).toThrow(RangeError);
    expect(() => new FrameQueue(1.5)).toThrow(RangeError);
  });

  it('behaves like a bounded array under any sequence of pushes and shifts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.boolean(), { maxLength: 200 }), (capacity, ops) => {
        const q = new FrameQueue(capacity);
        const model: Uint8Array[] = [];
        let tag = 0;
        for (const isPush of ops) {
          if (isPush) {
            const f = frame(tag++ & 0xff, 1);
            const accepted = q.push(f);
            expect(accepted).toBe(model.length < capacity);
            if (accepted) model.push(f);
          } else {
            expect(q.shift()).toBe(model.shift());
          }
          expect(q.length).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('TapMac with a stand-in addon', () => {
  it('starts polling its fd at once, 64 frames per batch unless told otherwise', () => {
    const tap = new FakeTap();
    const mac = new TapMac(tap, FD, 'tap0', MAC);
    expect(tap.calls).toEqual([`poll ${FD}`]);
    expect(tap.batchLimit).toBe(DEFAULT_RX_BATCH);
    expect(DEFAULT_RX_BATCH).toBe(64);
    expect(mac.linkUp()).toBe(true);
    expect(mac.name).toBe('tap0');
    const other = new FakeTap();
    new TapMac(other, FD, 'tap0', MAC, { rxBatch: 8 });
    expect(other.batchLimit).toBe(8);
  });

  it('keeps its own copy of the MAC address and rejects bad options', () => {
    const mac = Uint8Array.of(2, 0, 0, 0, 0, 9);
    const driver = new TapMac(new FakeTap(), FD, 'tap0', mac);
    mac[5] = 0;
    expect([...driver.macAddress]).toEqual([2, 0, 0, 0, 0, 9]);
    expect(() => new TapMac(new FakeTap(), FD, 'tap0', new Uint8Array(5))).toThrow(RangeError);
    expect(() => new TapMac(new FakeTap(), FD, 'tap0', MAC, { rxQueueFrames: 0 })).toThrow(RangeError);
  });

  it('queues received frames in order and notifies only when the queue was empty', () => {
    const tap = new FakeTap();
    const mac = new TapMac(tap, FD, 'tap0', MAC);
    let notified = 0;
    mac.setReceiveNotify(() => notified++);
    tap.deliver([frame(1), frame(2)]);
    expect(notified).toBe(1);
    tap.deliver([frame(3)]); // not empty: no new interrupt
    expect(notified).toBe(1);
    expect(mac.pendingReceive()).toBe(3);
    expect([mac.receive()![0], mac.receive()![0], mac.receive()![0], mac.receive()]).toEqual([1, 2, 3, undefined]);
    tap.deliver([frame(4)]);
    expect(notified).toBe(2);
    tap.deliver([]); // an empty batch is no edge
    expect(notified).toBe(2);
    expect(mac.stats).toEqual({ rxFrames: 4, rxDropped: 0, txFrames: 0, txRefused: 0, txErrors: 0 });
  });

  it('lets the notification drain the queue synchronously', () => {
    const tap = new FakeTap();
    const mac = new TapMac(tap, FD, 'tap0', MAC);
    const got: number[] = [];
    mac.setReceiveNotify(() => {
      for (let f = mac.receive(); f !== undefined; f = mac.receive()) got.push(f[0]);
    });
    tap.deliver([frame(1), frame(2)]);
    tap.deliver([frame(3)]);
    expect(got).toEqual([1, 2, 3]);
  });

  it('drops the newest frames when full, counting every one', () => {
    const tap = new FakeTap();
    const mac = new TapMac(tap, FD, 'tap0', MAC, { rxQueueFrames: 3 });
    tap.deliver([frame(1), frame(2), frame(3), frame(4), frame(5)]);
    expect(mac.stats.rxFrames).toBe(3);
    expect(mac.stats.rxDropped).toBe(2);
    expect(mac.receive()![0]).toBe(1);
    tap.deliver([frame(6), frame(7)]);
    expect(mac.stats).toMatchObject({ rxFrames: 4, rxDropped: 3 });
    const order: number[] = [];
    for (let f = mac.receive(); f !== undefined; f = mac.receive()) order.push(f[0]);
    expect(order).toEqual([2, 3, 6]);
  });

  it('holds 4096 frames by default', () => {
    const tap = new FakeTap();
    const mac = new TapMac(tap, FD, 'tap0', MAC);
    expect(DEFAULT_RX_QUEUE_FRAMES).toBe(4096);
    const batch = Array.from({ length: 4097 }, (_, i) => frame(i & 0xff, 14));
    tap.deliver(batch);
    expect(mac.stats).toMatchObject({ rxFrames: 4096, rxDropped: 1 });
  });

  it('transmits with one write per frame and counts refusals (EAGAIN) apart from errors', () => {
    const tap = new FakeTap();
    const mac = new TapMac(tap, FD, 'tap0', MAC);
    expect(mac.transmit(frame(1, 60))).toBe(true);
    tap.writeResult = () => -EAGAIN;
    expect(mac.transmit(frame(2))).toBe(false);
    tap.writeResult = () => -EIO; // kernel side of the interface is down
    expect(mac.transmit(frame(3))).toBe(false);
    tap.writeResult = (f) => f.length - 1; // a short write is not a frame sent
    expect(mac.transmit(frame(4))).toBe(false);
    expect(tap.calls.filter((c) => c.startsWith('write'))).toEqual([`write ${FD} 60`, `write ${FD} 60`, `write ${FD} 60`, `write ${FD} 60`]);
    expect(mac.stats).toEqual({ rxFrames: 0, rxDropped: 0, txFrames: 1, txRefused: 1, txErrors: 2 });
  });

  it('transmitMany accounts each frame of the batch', () => {
    const tap = new FakeTap();
    const mac = new TapMac(tap, FD, 'tap0', MAC);
    tap.writeResult = (f) => (f[0] === 2 ? -EAGAIN : f[0] === 3 ? -EINVAL : f.length);
    expect(mac.transmitMany([frame(1), frame(2), frame(3), frame(4)])).toBe(2);
    expect(mac.stats).toMatchObject({ txFrames: 2, txRefused: 1, txErrors: 1 });
    // A larger batch than before (the results array grows).
    tap.writeResult = (f) => f.length;
    expect(mac.transmitMany(Array.from({ length: 100 }, () => frame(1)))).toBe(100);
    expect(mac.stats.txFrames).toBe(102);
  });

  it('hands frames to the transmit thread when the addon has one, and reports its counts', () => {
    const tap = new FakeTapWithWriter();
    const mac = new TapMac(tap, FD, 'tap0', MAC);
    expect(tap.slots).toBe(DEFAULT_TX_SLOTS);
    expect(mac.transmit(frame(1, 60))).toBe(true);
    expect(mac.transmitMany([frame(2), frame(3)])).toBe(2);
    // No write on the event loop's thread; the thread got copies, in order.
    expect(tap.calls.filter((c) => c.startsWith('write '))).toEqual([]);
    expect(tap.queued.map((f) => f[0])).toEqual([1, 2, 3]);
    tap.counts = [2, 1, 0, 0];
    expect(mac.stats).toEqual({ rxFrames: 0, rxDropped: 0, txFrames: 2, txRefused: 1, txErrors: 0 });
    // Close: the thread writes what it holds and stops before the poll stops and the fd closes.
    mac.close();
    expect(tap.calls).toEqual([`poll ${FD}`, `writer ${FD}`, 'writer stop', 'stop', `close ${FD}`]);
    expect(mac.transmit(frame(4))).toBe(false);
    tap.counts = [3, 1, 0, 0];
    // Refused while closed (1) plus what the thread refused (1).
    expect(mac.stats).toMatchObject({ txFrames: 3, txRefused: 2, txErrors: 0 });
  });

  it('writes on the event loop\'s thread with txSlots 0, and rejects a bad txSlots', () => {
    const tap = new FakeTapWithWriter();
    const mac = new TapMac(tap, FD, 'tap0', MAC, { txSlots: 0 });
    expect(mac.transmit(frame(1, 60))).toBe(true);
    expect(tap.calls).toEqual([`poll ${FD}`, `write ${FD} 60`]);
    for (const txSlots of [-1, 1.5, 65537, NaN]) {
      expect(() => new TapMac(new FakeTapWithWriter(), FD, 'tap0', MAC, { txSlots })).toThrow(RangeError);
    }
  });

  it('close stops the poll before closing the fd, once, and then refuses to transmit', () => {
    const tap = new FakeTap();
    const mac = new TapMac(tap, FD, 'tap0', MAC);
    tap.deliver([frame(1)]);
    mac.close();
    mac.close();
    expect(tap.calls).toEqual([`poll ${FD}`, 'stop', `close ${FD}`]);
    expect(mac.linkUp()).toBe(false);
    expect(mac.transmit(frame(2))).toBe(false);
    expect(mac.transmitMany([frame(3), frame(4)])).toBe(0);
    expect(mac.stats.txRefused).toBe(3);
    // Frames already queued can still be pulled; late batches are ignored.
    tap.deliver([frame(5)]);
    expect(mac.receive()![0]).toBe(1);
    expect(mac.receive()).toBeUndefined();
  });

  it('a device error closes the driver and is reported once', () => {
    const tap = new FakeTap();
    const errors: Error[] = [];
    const mac = new TapMac(tap, FD, 'tap0', MAC, { onError: (e) => errors.push(e) });
    const failure = Object.assign(new Error('poll: EBADF (Bad file descriptor)'), { code: 'EBADF' });
    tap.deliver(null, failure);
    tap.deliver(null, failure);
    expect(errors).toEqual([failure]);
    expect(mac.error).toBe(failure);
    expect(mac.linkUp()).toBe(false);
    expect(tap.calls).toEqual([`poll ${FD}`, 'stop', `close ${FD}`]);
  });

  it('forwards ref and unref to the poll handle', () => {
    const tap = new FakeTap();
    const mac = new TapMac(tap, FD, 'tap0', MAC);
    mac.unref();
    mac.ref();
    expect(tap.calls.slice(1)).toEqual(['unref', 'ref']);
  });
});

describeIf(addonMissingReason(), 'the native addon under jest', () => {
  // Loaded in beforeAll: a skipped describe still runs its body.
  let tap: TapAddon;
  beforeAll(() => {
    tap = loadTapAddon();
  });

  it('loads through the same loader as the ESM build, once', () => {
    expect(Object.keys(tap).sort()).toEqual(['close', 'open', 'poll', 'write', 'writeMany', 'writer']);
    expect(loadTapAddon()).toBe(tap);
  });

  it('rejects a name longer than IFNAMSIZ - 1 before touching any device', () => {
    expect(thrown(() => tap.open('x'.repeat(16)))).toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    expect(thrown(() => TapMac.open('x'.repeat(16), MAC))).toMatchObject({ message: 'TAP device name is longer than 15 bytes' });
    expect(thrown(() => tap.open(5 as unknown as string))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('returns -errno from write, writeMany and close instead of throwing', () => {
    const unused = 1 << 20; // far above any open fd
    expect(tap.write(unused, new Uint8Array(60))).toBe(-EBADF);
    const results = new Int32Array(3);
    expect(tap.writeMany(unused, [new Uint8Array(60), new Uint8Array(60), 'x' as unknown as Uint8Array], results)).toBe(0);
    expect([...results]).toEqual([-EBADF, -EBADF, -EINVAL]);
    expect(tap.close(unused)).toBe(-EBADF);
  });

  describe('the transmit thread (writer) on a file', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'xstcp-writer-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Frames of lengths 60..1514 and one beyond a slot (written by the caller after a drain), each filled with its index. */
    const frames = (count: number): Uint8Array[] =>
      Array.from({ length: count }, (_, i) => new Uint8Array(i === 100 ? 3000 : 60 + ((i * 97) % 1455)).fill(i & 0xff));
    /** The frames back to back, as the file must hold them. */
    const concat = (list: Uint8Array[]): Uint8Array => {
      const out = new Uint8Array(list.reduce((n, f) => n + f.length, 0));
      let at = 0;
      for (const f of list) {
        out.set(f, at);
        at += f.length;
      }
      return out;
    };
    const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

    it.each([[undefined], [2]])('writes every frame whole and in order, with %s slots', (slots) => {
      const file = join(dir, `frames-${slots}`);
      const fd = openSync(file, 'w');
      try {
        const writer = tap.writer(fd, slots);
        const list = frames(400);
        for (const f of list) {
          expect(writer.write(f)).toBe(true);
          f.fill(0xee); // the ring holds a copy: the caller may reuse its buffer at once
        }
        writer.stop();
        writer.stop();
        expect(writer.write(new Uint8Array(60))).toBe(false);
        expect(writer.counts()).toEqual([400, 0, 0, 0]);
        expect(sameBytes(new Uint8Array(readFileSync(file)), concat(frames(400)))).toBe(true);
      } finally {
        closeSync(fd);
      }
    });

    it('counts failed writes (a read-only fd) and keeps the caller\'s fd open after stop', () => {
      const file = join(dir, 'read-only');
      closeSync(openSync(file, 'w'));
      const fd = openSync(file, 'r');
      try {
        const writer = tap.writer(fd, 4);
        for (const f of frames(10)) writer.write(f);
        writer.stop();
        expect(writer.counts()).toEqual([0, 0, 10, 0]);
        // The thread wrote through a dup: ours is still open.
        expect(tap.close(fd)).toBe(0);
      } catch (error) {
        closeSync(fd);
        throw error;
      }
    });

    it('rejects bad arguments', () => {
      expect(thrown(() => tap.writer(-1))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
      expect(thrown(() => tap.writer(1 << 20))).toMatchObject({ code: 'EBADF', syscall: 'writer' });
      for (const slots of [0, 65537]) expect(thrown(() => tap.writer(1, slots))).toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      const writer = tap.writer(1, 1);
      try {
        expect(thrown(() => writer.write('x' as unknown as Uint8Array))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
      } finally {
        writer.stop();
      }
    });
  });

  it('throws TypeError for arguments of the wrong type (programming errors)', () => {
    const typeError = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };
    expect(thrown(() => tap.write(-1, new Uint8Array(1)))).toMatchObject(typeError);
    expect(thrown(() => tap.write(3, [1, 2] as unknown as Uint8Array))).toMatchObject(typeError);
    expect(thrown(() => tap.writeMany(3, 'x' as unknown as Uint8Array[]))).toMatchObject(typeError);
    expect(thrown(() => tap.poll(3, 'x' as unknown as TapFramesCallback))).toMatchObject(typeError);
    expect(thrown(() => tap.poll(3, () => {}, 0))).toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  });
});
