import fc from 'fast-check';
import {
  seqAdd, seqDiff, seqLt, seqLeq, seqGt, seqGeq, seqInWindow,
} from '../../src/net/tcp/seq.js';

const u32 = fc.nat({ max: 0xffffffff });
/** Distances strictly inside (−2^31, 2^31), where ordering is well defined. */
const dist = fc.integer({ min: -0x7fffffff, max: 0x7fffffff });

describe('seqAdd', () => {
  test('wraps at 2^32 and stays u32', () => {
    expect(seqAdd(0xffffffff, 1)).toBe(0);
    expect(seqAdd(0xfffffff0, 0x20)).toBe(0x10);
    expect(seqAdd(0, -1)).toBe(0xffffffff);
    expect(seqAdd(5, -10)).toBe(0xfffffffb);
    expect(seqAdd(0x80000000, 0x80000000)).toBe(0);
  });
});

describe('seqDiff', () => {
  test('hand-computed values across the wrap', () => {
    expect(seqDiff(0, 0xffffffff)).toBe(1);
    expect(seqDiff(0xffffffff, 0)).toBe(-1);
    expect(seqDiff(0x10, 0xfffffff0)).toBe(0x20);
    expect(seqDiff(0xfffffff0, 0x10)).toBe(-0x20);
    expect(seqDiff(1000, 1000)).toBe(0);
  });
  test('range is (−2^31, 2^31]: a distance of exactly 2^31 is positive both ways', () => {
    expect(seqDiff(0x80000000, 0)).toBe(0x80000000);
    expect(seqDiff(0, 0x80000000)).toBe(0x80000000);
    expect(seqDiff(0x80000001, 0)).toBe(-0x7fffffff);
    expect(seqDiff(0x7fffffff, 0)).toBe(0x7fffffff);
  });
  test('property: seqDiff(seqAdd(b, n), b) === n for n in (−2^31, 2^31]', () => {
    fc.assert(fc.property(u32, fc.integer({ min: -0x7fffffff, max: 0x80000000 }), (b, n) => {
      expect(seqDiff(seqAdd(b, n), b)).toBe(n);
    }), { numRuns: 500 });
  });
  test('property: antisymmetric for distances below 2^31', () => {
    fc.assert(fc.property(u32, dist, (a, n) => {
      const b = seqAdd(a, n);
      expect(seqDiff(a, b) + seqDiff(b, a)).toBe(0);
    }), { numRuns: 500 });
  });
});

describe('comparisons', () => {
  test('order across the wrap', () => {
    expect(seqLt(0xffffffff, 0)).toBe(true);
    expect(seqGt(0, 0xffffffff)).toBe(true);
    expect(seqLeq(0xfffffffe, 0xfffffffe)).toBe(true);
    expect(seqGeq(0xfffffffe, 0xfffffffe)).toBe(true);
    expect(seqLt(7, 7)).toBe(false);
    expect(seqGt(7, 7)).toBe(false);
    expect(seqLt(0x7ffffff0, 0x80000010)).toBe(true);
    expect(seqGt(0x10, 0xfffffff0)).toBe(true);
  });
  test('property: exactly one of <, =, > holds; <= and >= agree with them', () => {
    fc.assert(fc.property(u32, dist, (a, n) => {
      const b = seqAdd(a, n);
      const lt = seqLt(a, b), gt = seqGt(a, b), eq = a === b;
      expect(Number(lt) + Number(gt) + Number(eq)).toBe(1);
      expect(seqLeq(a, b)).toBe(lt || eq);
      expect(seqGeq(a, b)).toBe(gt || eq);
      expect(seqLt(a, b)).toBe(seqGt(b, a));
      expect(lt).toBe(n > 0);
    }), { numRuns: 500 });
  });
  test('property: translation invariant (shifting both by any k keeps the order)', () => {
    fc.assert(fc.property(u32, dist, u32, (a, n, k) => {
      const b = seqAdd(a, n);
      expect(seqLt(seqAdd(a, k), seqAdd(b, k))).toBe(seqLt(a, b));
      expect(seqDiff(seqAdd(a, k), seqAdd(b, k))).toBe(seqDiff(a, b));
    }), { numRuns: 500 });
  });
  test('property: transitive within a half-space', () => {
    const quarter = fc.integer({ min: 0, max: 0x3fffffff });
    fc.assert(fc.property(u32, quarter, quarter, (a, n1, n2) => {
      const b = seqAdd(a, n1), c = seqAdd(b, n2);
      expect(seqLeq(a, b) && seqLeq(b, c)).toBe(true);
      expect(seqLeq(a, c)).toBe(true);
    }), { numRuns: 300 });
  });
});

describe('seqInWindow', () => {
  test('start <= x < start+len, hand-computed at the wrap', () => {
    expect(seqInWindow(0xfffffff0, 0xfffffff0, 0x20)).toBe(true);
    expect(seqInWindow(0xffffffff, 0xfffffff0, 0x20)).toBe(true);
    expect(seqInWindow(0, 0xfffffff0, 0x20)).toBe(true);
    expect(seqInWindow(0xf, 0xfffffff0, 0x20)).toBe(true);
    expect(seqInWindow(0x10, 0xfffffff0, 0x20)).toBe(false); // right edge excluded
    expect(seqInWindow(0xffffffef, 0xfffffff0, 0x20)).toBe(false); // just left
  });
  test('an empty window contains nothing, not even start', () => {
    expect(seqInWindow(100, 100, 0)).toBe(false);
    expect(seqInWindow(100, 100, -5)).toBe(false);
    expect(seqInWindow(100, 100, Number.NaN)).toBe(false);
  });
  test('a window of 2^32 − 1 contains all but one number', () => {
    expect(seqInWindow(99, 100, 0xffffffff)).toBe(false);
    expect(seqInWindow(98, 100, 0xffffffff)).toBe(true);
  });
  test('property: x = start + k is inside iff 0 <= k < len', () => {
    fc.assert(fc.property(u32, fc.nat({ max: 0xffff }), fc.integer({ min: -0x10000, max: 0x20000 }), (start, len, k) => {
      expect(seqInWindow(seqAdd(start, k), start, len)).toBe(k >= 0 && k < len);
    }), { numRuns: 500 });
  });
});

