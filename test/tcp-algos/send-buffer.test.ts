import fc from 'fast-check';
import { SendBuffer } from '../../src/net/tcp/send-buffer.js';

function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

function read(b: SendBuffer, from: number, length: number): number[] {
  const dest = new Uint8Array(length);
  const n = b.copyOut(from, length, dest, 0);
  return Array.from(dest.subarray(0, n));
}

describe('SendBuffer', () => {
  test('write, copy out, release: FIFO with offsets from the oldest unacknowledged byte', () => {
    const b = new SendBuffer(8);
    expect([b.length, b.free]).toEqual([0, 8]);
    expect(b.write(bytes(1, 2, 3, 4, 5))).toBe(5);
    expect([b.length, b.free]).toEqual([5, 3]);
    expect(read(b, 0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(read(b, 2, 2)).toEqual([3, 4]);
    b.release(3);
    expect([b.length, b.free]).toEqual([2, 6]);
    expect(read(b, 0, 2)).toEqual([4, 5]);
  });

  test('what does not fit is discarded; the count accepted is returned (µTasker truncation)', () => {
    const b = new SendBuffer(4);
    expect(b.write(bytes(1, 2, 3))).toBe(3);
    expect(b.write(bytes(4, 5, 6))).toBe(1);
    expect(b.free).toBe(0);
    expect(b.write(bytes(7))).toBe(0);
    expect(read(b, 0, 10)).toEqual([1, 2, 3, 4]);
  });

  test('data wraps around the end of the ring and is read back in order', () => {
    const b = new SendBuffer(6);
    b.write(bytes(1, 2, 3, 4));
    b.release(3); // head at index 3, one byte held
    expect(b.write(bytes(5, 6, 7, 8, 9))).toBe(5); // indexes 4, 5, 0, 1, 2
    expect(b.length).toBe(6);
    expect(read(b, 0, 6)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(read(b, 2, 3)).toEqual([6, 7, 8]);
    const dest = new Uint8Array(10).fill(0xee);
    expect(b.copyOut(1, 4, dest, 3)).toBe(4);
    expect(Array.from(dest)).toEqual([0xee, 0xee, 0xee, 5, 6, 7, 8, 0xee, 0xee, 0xee]);
  });

  test('write takes an offset and length into the source', () => {
    const b = new SendBuffer(10);
    expect(b.write(bytes(9, 8, 7, 6, 5), 1, 3)).toBe(3);
    expect(read(b, 0, 10)).toEqual([8, 7, 6]);
    expect(b.write(bytes(1, 2, 3), 2)).toBe(1);
    expect(read(b, 0, 10)).toEqual([8, 7, 6, 3]);
  });

  test('bad arguments are clipped, never thrown', () => {
    const b = new SendBuffer(5);
    expect(b.write(bytes(1, 2), 5, 3)).toBe(0);
    expect(b.write(bytes(1, 2), -3, 99)).toBe(2);
    expect(b.write(bytes(3), 0, Number.NaN)).toBe(0);
    expect(read(b, 1, 99)).toEqual([2]);
    expect(read(b, 7, 1)).toEqual([]);
    expect(b.copyOut(0, 2, new Uint8Array(1), 0)).toBe(1); // clipped to the destination
    expect(b.copyOut(0, 2, new Uint8Array(3), 5)).toBe(0);
    b.release(-1);
    expect(b.length).toBe(2);
    b.release(99);
    expect(b.length).toBe(0);
    expect(new SendBuffer(-4).write(bytes(1))).toBe(0);
    expect(new SendBuffer(Number.NaN).free).toBe(0);
  });

  test('nothing to copy before the first write; clear drops everything', () => {
    const b = new SendBuffer(3);
    expect(b.copyOut(0, 3, new Uint8Array(3), 0)).toBe(0);
    b.write(bytes(1, 2, 3));
    b.clear();
    expect([b.length, b.free]).toEqual([0, 3]);
    expect(b.write(bytes(4, 5))).toBe(2);
    expect(read(b, 0, 3)).toEqual([4, 5]);
  });

  test('property: equivalent to a plain array FIFO model', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), data: fc.uint8Array({ maxLength: 40 }) }),
      fc.record({ kind: fc.constant('release' as const), n: fc.integer({ min: -2, max: 45 }) }),
      fc.record({ kind: fc.constant('copy' as const), from: fc.integer({ min: 0, max: 50 }), len: fc.integer({ min: 0, max: 50 }) }),
    );
    fc.assert(fc.property(fc.integer({ min: 1, max: 64 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
      const b = new SendBuffer(capacity);
      let model: number[] = [];
      for (const o of ops) {
        if (o.kind === 'write') {
          const accepted = Math.min(o.data.length, capacity - model.length);
          expect(b.write(o.data)).toBe(accepted);
          model = model.concat(Array.from(o.data.subarray(0, accepted)));
        } else if (o.kind === 'release') {
          b.release(o.n);
          model = model.slice(Math.max(0, Math.min(o.n, model.length)));
        } else {
          expect(read(b, o.from, o.len)).toEqual(model.slice(o.from, o.from + o.len));
        }
        expect(b.length).toBe(model.length);
        expect(b.free).toBe(capacity - model.length);
      }
      expect(read(b, 0, capacity)).toEqual(model);
    }), { numRuns: 300 });
  });
});
