import fc from 'fast-check';
import { ReassemblyQueue } from '../../src/net/tcp/reassembly.js';
import { seqAdd, seqDiff } from '../../src/net/tcp/seq.js';

function fill(n: number, value: number): Uint8Array {
  return new Uint8Array(n).fill(value);
}

function range(from: number, n: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (from + i) & 0xff;
  return a;
}

describe('ReassemblyQueue: basics', () => {
  test('an out-of-order segment waits until the gap before it is filled', () => {
    const q = new ReassemblyQueue({ maxBytes: 1000, maxSegments: 4 });
    expect(q.insert(0, 10, range(10, 10))).toBe(true);
    expect([q.bytes, q.segments]).toEqual([10, 1]);
    expect(q.takeContiguous(0)).toBeUndefined();
    expect(q.insert(0, 0, range(0, 10))).toBe(true);
    expect([q.bytes, q.segments]).toEqual([20, 1]); // merged into one range
    expect(Array.from(q.takeContiguous(0)!)).toEqual(Array.from(range(0, 20)));
    expect([q.bytes, q.segments]).toEqual([0, 0]);
    expect(q.takeContiguous(20)).toBeUndefined();
  });

  test('stores a copy: changing the caller\'s buffer afterwards changes nothing', () => {
    const q = new ReassemblyQueue({ maxBytes: 100, maxSegments: 4 });
    const data = fill(5, 7);
    q.insert(0, 0, data);
    data.fill(9);
    expect(Array.from(q.takeContiguous(0)!)).toEqual([7, 7, 7, 7, 7]);
  });

  test('a duplicate stores nothing and returns false', () => {
    const q = new ReassemblyQueue({ maxBytes: 100, maxSegments: 4 });
    expect(q.insert(0, 10, fill(10, 1))).toBe(true);
    expect(q.insert(0, 10, fill(10, 2))).toBe(false);
    expect(q.insert(0, 12, fill(3, 2))).toBe(false);
    expect(q.bytes).toBe(10);
  });

  test('overlaps are trimmed: bytes already held win', () => {
    const q = new ReassemblyQueue({ maxBytes: 100, maxSegments: 4 });
    q.insert(0, 5, fill(10, 0xaa)); // [5, 15)
    expect(q.insert(0, 1, fill(20, 0xbb))).toBe(true); // [1, 21): only [1,5) and [15,21) are new
    expect(q.bytes).toBe(20);
    q.insert(0, 0, fill(1, 0xcc));
    const out = q.takeContiguous(0)!;
    expect(out.length).toBe(21);
    expect(Array.from(out)).toEqual([0xcc, ...Array(4).fill(0xbb), ...Array(10).fill(0xaa), ...Array(6).fill(0xbb)]);
  });

  test('a segment spanning several held ranges fills every gap and merges them', () => {
    const q = new ReassemblyQueue({ maxBytes: 100, maxSegments: 4 });
    q.insert(0, 10, fill(5, 1)); // [10,15)
    q.insert(0, 20, fill(5, 2)); // [20,25)
    q.insert(0, 30, fill(5, 3)); // [30,35)
    expect(q.segments).toBe(3);
    expect(q.insert(0, 12, fill(20, 9))).toBe(true); // [12,32)
    expect([q.segments, q.bytes]).toEqual([1, 25]);
    expect(q.sackBlocks(4)).toEqual([10, 35]);
  });

  test('bytes before rcvNxt are dropped; only the rest is stored', () => {
    const q = new ReassemblyQueue({ maxBytes: 100, maxSegments: 4 });
    expect(q.insert(1000, 990, range(0, 20))).toBe(true);
    expect(q.bytes).toBe(10);
    expect(Array.from(q.takeContiguous(1000)!)).toEqual(Array.from(range(10, 10)));
    expect(q.insert(1010, 990, range(0, 20))).toBe(false); // entirely old
  });

  test('nothing is stored at or beyond rcvNxt + maxBytes', () => {
    const q = new ReassemblyQueue({ maxBytes: 100, maxSegments: 4 });
    expect(q.insert(0, 90, fill(20, 1))).toBe(true);
    expect(q.bytes).toBe(10);
    expect(q.insert(0, 100, fill(5, 1))).toBe(false);
    expect(q.insert(0, 0x7fffffff, fill(5, 1))).toBe(false);
    expect(q.sackBlocks(1)).toEqual([90, 100]);
  });

  test('maxSegments bounds the disjoint ranges; filling or extending one is still allowed', () => {
    const q = new ReassemblyQueue({ maxBytes: 1000, maxSegments: 2 });
    expect(q.insert(0, 10, fill(10, 1))).toBe(true);
    expect(q.insert(0, 30, fill(10, 1))).toBe(true);
    expect(q.insert(0, 50, fill(10, 1))).toBe(false); // would be a third range
    expect(q.insert(0, 40, fill(5, 1))).toBe(true); // extends [30,40)
    expect(q.insert(0, 20, fill(10, 1))).toBe(true); // joins both
    expect([q.segments, q.bytes]).toEqual([1, 35]);
    expect(q.insert(0, 50, fill(10, 1))).toBe(true);
    expect(q.segments).toBe(2);
  });

  test('when RCV.NXT moved past held bytes (delivered directly), they are trimmed', () => {
    const q = new ReassemblyQueue({ maxBytes: 100, maxSegments: 4 });
    q.insert(0, 10, range(10, 10)); // [10,20)
    q.insert(0, 30, range(30, 5)); // [30,35)
    expect(Array.from(q.takeContiguous(15)!)).toEqual(Array.from(range(15, 5)));
    expect([q.bytes, q.segments]).toEqual([5, 1]);
    expect(q.takeContiguous(20)).toBeUndefined();
    expect(q.insert(40, 50, fill(1, 0))).toBe(true); // [30,35) is now behind RCV.NXT
    expect([q.bytes, q.segments]).toEqual([1, 1]);
  });

  test('works across the 2^32 wrap', () => {
    const q = new ReassemblyQueue({ maxBytes: 64, maxSegments: 4 });
    const rcvNxt = 0xfffffff8;
    expect(q.insert(rcvNxt, 0x4, range(12, 8))).toBe(true); // offsets 12..19
    expect(q.insert(rcvNxt, 0xfffffffc, range(4, 8))).toBe(true); // offsets 4..11, crosses 0
    expect(q.sackBlocks(4)).toEqual([0xfffffffc, 0xc]);
    expect(q.insert(rcvNxt, rcvNxt, range(0, 4))).toBe(true);
    expect(Array.from(q.takeContiguous(rcvNxt)!)).toEqual(Array.from(range(0, 20)));
  });

  test('sackBlocks: most recently changed block first (RFC 2018 §4), limited to max', () => {
    const q = new ReassemblyQueue({ maxBytes: 1000, maxSegments: 8 });
    const base = 5000;
    q.insert(base, base + 10, fill(10, 0));
    q.insert(base, base + 30, fill(10, 0));
    q.insert(base, base + 50, fill(10, 0));
    expect(q.sackBlocks(4)).toEqual([5050, 5060, 5030, 5040, 5010, 5020]);
    q.insert(base, base + 20, fill(5, 0)); // extends the first block
    expect(q.sackBlocks(4)).toEqual([5010, 5025, 5050, 5060, 5030, 5040]);
    expect(q.sackBlocks(2)).toEqual([5010, 5025, 5050, 5060]);
    expect(q.sackBlocks(0)).toEqual([]);
    q.insert(base, base + 30, fill(10, 0)); // duplicate: order unchanged
    expect(q.sackBlocks(1)).toEqual([5010, 5025]);
  });

  test('clear empties the queue; a RCV.NXT that moves backwards resets it without throwing', () => {
    const q = new ReassemblyQueue({ maxBytes: 100, maxSegments: 4 });
    q.insert(100, 110, fill(5, 1));
    q.clear();
    expect([q.bytes, q.segments]).toEqual([0, 0]);
    expect(q.sackBlocks(3)).toEqual([]);
    q.insert(100, 110, fill(5, 1));
    expect(q.takeContiguous(50)).toBeUndefined();
    expect([q.bytes, q.segments]).toEqual([0, 0]);
  });

  test('degenerate configuration and empty data store nothing', () => {
    expect(new ReassemblyQueue({ maxBytes: 0, maxSegments: 4 }).insert(0, 1, fill(3, 1))).toBe(false);
    expect(new ReassemblyQueue({ maxBytes: 10, maxSegments: 0 }).insert(0, 1, fill(3, 1))).toBe(false);
    expect(new ReassemblyQueue({ maxBytes: -1, maxSegments: Number.NaN }).insert(0, 1, fill(3, 1))).toBe(false);
    expect(new ReassemblyQueue({ maxBytes: 10, maxSegments: 1 }).insert(0, 1, new Uint8Array(0))).toBe(false);
  });
});

/** Length of the run of held offsets starting at 0. */
function prefixLength(model: Map<number, number>): number {
  let n = 0;
  while (model.has(n)) n++;
  return n;
}

/** The model after RCV.NXT moved by k: offsets below k are gone, the rest move down. */
function shiftModel(model: Map<number, number>, k: number): Map<number, number> {
  const shifted = new Map<number, number>();
  for (const [at, b] of model) if (at >= k) shifted.set(at - k, b);
  return shifted;
}

/** Fisher-Yates with a small LCG, so fast-check shrinks one number instead of a permutation. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const a = items.slice();
  let x = seed >>> 0;
  for (let i = a.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = x % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** A random byte stream, cut into pieces that together cover it, plus random overlapping and duplicate pieces, shuffled. */
const scenario = fc.record({
  isn: fc.oneof(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0xfffff000, max: 0xffffffff })),
  stream: fc.uint8Array({ minLength: 1, maxLength: 1500, size: 'max' }),
  cuts: fc.array(fc.nat({ max: 1500 }), { maxLength: 60, size: 'max' }),
  extras: fc.array(fc.record({ start: fc.nat({ max: 1500 }), len: fc.integer({ min: 1, max: 120 }) }), { maxLength: 15, size: 'max' }),
  shuffleSeed: fc.nat(),
  maxBytes: fc.integer({ min: 1, max: 3000 }),
  maxSegments: fc.integer({ min: 1, max: 8 }),
});

describe('ReassemblyQueue: exact-once delivery (property)', () => {
  /** Bytes that reached the application through the queue, over all runs (the test must exercise it). */
  let viaQueue = 0;
  afterAll(() => expect(viaQueue).toBeGreaterThan(10000));

  test('in-order pieces delivered directly, the rest via the queue, reproduce the stream exactly', () => {
    fc.assert(fc.property(scenario, (sc) => {
      const n = sc.stream.length;
      const bounds = [...new Set([0, n, ...sc.cuts.filter((c) => c < n)])].sort((a, b) => a - b);
      const pieces: Array<{ start: number; end: number }> = [];
      for (let i = 0; i + 1 < bounds.length; i++) pieces.push({ start: bounds[i]!, end: bounds[i + 1]! });
      for (const e of sc.extras) {
        if (e.start < n) pieces.push({ start: e.start, end: Math.min(n, e.start + e.len) });
      }
      const order = shuffled(pieces, sc.shuffleSeed);

      const q = new ReassemblyQueue({ maxBytes: sc.maxBytes, maxSegments: sc.maxSegments });
      const out: number[] = [];
      let rcvNxt = sc.isn;
      let boundsBroken = false;
      const receive = (p: { start: number; end: number }) => {
        const seq = seqAdd(sc.isn, p.start);
        const data = sc.stream.subarray(p.start, p.end);
        const rel = seqDiff(seq, rcvNxt);
        if (rel <= 0 && rel + data.length > 0) {
          for (let i = -rel; i < data.length; i++) out.push(data[i]!);
          rcvNxt = seqAdd(rcvNxt, data.length + rel);
        } else if (rel > 0) {
          q.insert(rcvNxt, seq, data);
        }
        const more = q.takeContiguous(rcvNxt);
        if (more !== undefined) {
          viaQueue += more.length;
          for (const b of more) out.push(b);
          rcvNxt = seqAdd(rcvNxt, more.length);
        }
        if (q.bytes > sc.maxBytes || q.segments > sc.maxSegments) boundsBroken = true;
      };
      for (const p of order) receive(p);
      // Whatever the bounds made the queue refuse is "retransmitted", in order, as TCP would.
      for (let round = 0; round < pieces.length + 1 && seqDiff(rcvNxt, sc.isn) < n; round++) {
        for (const p of pieces) receive(p);
      }
      expect(boundsBroken).toBe(false);
      expect(out.length).toBe(n);
      expect(out.findIndex((b, i) => b !== sc.stream[i])).toBe(-1); // first differing byte
      expect(q.takeContiguous(rcvNxt)).toBeUndefined();
      expect(q.bytes).toBe(0);
    }), { numRuns: 300 });
  });

  test('model check: held bytes, first-copy-wins, SACK blocks and delivery match a byte map as RCV.NXT moves', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), off: fc.integer({ min: -20, max: 140 }), len: fc.integer({ min: 0, max: 40 }), v: fc.nat({ max: 255 }) }),
      fc.record({ kind: fc.constant('advance' as const), by: fc.integer({ min: 1, max: 130 }) }),
      fc.record({ kind: fc.constant('take' as const) }),
    );
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), fc.array(op, { maxLength: 60, size: 'max' }), (isn, ops) => {
      const maxBytes = 120;
      const q = new ReassemblyQueue({ maxBytes, maxSegments: 100 });
      let rcvNxt = isn;
      /** Held bytes by offset from the current RCV.NXT. */
      let model = new Map<number, number>();
      for (const o of ops) {
        if (o.kind === 'insert') {
          const before = model.size;
          const data = new Uint8Array(o.len);
          for (let i = 0; i < o.len; i++) {
            data[i] = (o.v + i) & 0xff;
            const at = o.off + i;
            if (at >= 0 && at < maxBytes && !model.has(at)) model.set(at, data[i]!);
          }
          expect(q.insert(rcvNxt, seqAdd(rcvNxt, o.off), data)).toBe(model.size > before);
        } else {
          if (o.kind === 'advance') {
            // The caller delivered bytes directly: RCV.NXT moves, held bytes behind it go;
            // then, as a receiver does, it asks for what became contiguous.
            rcvNxt = seqAdd(rcvNxt, o.by);
            model = shiftModel(model, o.by);
          }
          const prefix = prefixLength(model);
          const taken = q.takeContiguous(rcvNxt);
          if (prefix === 0) {
            expect(taken).toBeUndefined();
          } else {
            expect(Array.from(taken!)).toEqual(Array.from({ length: prefix }, (_, i) => model.get(i)));
            model = shiftModel(model, prefix);
            rcvNxt = seqAdd(rcvNxt, prefix);
          }
        }
        expect(q.bytes).toBe(model.size);
        // SACK blocks cover exactly the held offsets, each block maximal.
        const blocks = q.sackBlocks(1000);
        let covered = 0;
        let exact = true;
        for (let b = 0; b < blocks.length; b += 2) {
          const l = seqDiff(blocks[b]!, rcvNxt), r = seqDiff(blocks[b + 1]!, rcvNxt);
          for (let at = l; at < r; at++) exact &&= model.has(at);
          exact &&= !model.has(l - 1) && !model.has(r);
          covered += r - l;
        }
        expect(exact).toBe(true);
        expect(covered).toBe(model.size);
      }
    }), { numRuns: 150 });
  });
});
