import fc from 'fast-check';
import { advertisableWindow, shouldSend } from '../../src/net/tcp/silly-window.js';
import { seqAdd, seqDiff } from '../../src/net/tcp/seq.js';

describe('advertisableWindow (receiver SWS avoidance, RFC 1122 §4.2.3.3)', () => {
  const base = { mss: 1460, bufferSize: 4096 }; // threshold min(2048, 1460) = 1460

  test('the first advertisement offers all free space', () => {
    expect(advertisableWindow({ ...base, freeSpace: 4096, lastAdvertisedRightEdge: undefined, rcvNxt: 1000 })).toBe(4096);
  });

  test('the right edge stays put until it can move by at least min(buffer/2, MSS)', () => {
    // Advertised 4096 at RCV.NXT 1000 (right edge 5096); 1000 bytes arrived and were read
    // partly: the window shrinks by what arrived instead of opening in small steps.
    const edge = 5096;
    expect(advertisableWindow({ ...base, freeSpace: 3096, lastAdvertisedRightEdge: edge, rcvNxt: 2000 })).toBe(3096);
    expect(advertisableWindow({ ...base, freeSpace: 3596, lastAdvertisedRightEdge: edge, rcvNxt: 2000 })).toBe(3096);
    // kept 2096, all 4096 free: a gain of 2000 >= 1460, so the edge moves.
    expect(advertisableWindow({ ...base, freeSpace: 4096, lastAdvertisedRightEdge: edge, rcvNxt: 3000 })).toBe(4096);
    // kept = 1000: a gain of 1459 is not enough, 1460 is.
    expect(advertisableWindow({ ...base, freeSpace: 2459, lastAdvertisedRightEdge: 6000, rcvNxt: 5000 })).toBe(1000);
    expect(advertisableWindow({ ...base, freeSpace: 2460, lastAdvertisedRightEdge: 6000, rcvNxt: 5000 })).toBe(2460);
  });

  test('a closed window reopens only by the threshold; with a small buffer the threshold is half the buffer', () => {
    const small = { mss: 1460, bufferSize: 1000 }; // threshold 500
    expect(advertisableWindow({ ...small, freeSpace: 499, lastAdvertisedRightEdge: 7000, rcvNxt: 7000 })).toBe(0);
    expect(advertisableWindow({ ...small, freeSpace: 500, lastAdvertisedRightEdge: 7000, rcvNxt: 7000 })).toBe(500);
    expect(advertisableWindow({ ...base, freeSpace: 1459, lastAdvertisedRightEdge: 7000, rcvNxt: 7000 })).toBe(0);
  });

  test('never moves the right edge left, even when free space fell below the old window', () => {
    expect(advertisableWindow({ ...base, freeSpace: 1000, lastAdvertisedRightEdge: 4000, rcvNxt: 1000 })).toBe(3000);
  });

  test('works across the wrap; RCV.NXT past the old edge keeps nothing', () => {
    expect(advertisableWindow({ ...base, freeSpace: 600, lastAdvertisedRightEdge: 0x100, rcvNxt: 0xffffff00 })).toBe(0x200);
    expect(advertisableWindow({ ...base, freeSpace: 100, lastAdvertisedRightEdge: 10, rcvNxt: 20 })).toBe(0);
  });

  test('property: the right edge never moves left, and it only moves right by >= the threshold', () => {
    fc.assert(fc.property(
      fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 70000 }), fc.integer({ min: 0, max: 70000 }),
      fc.integer({ min: 1, max: 9000 }), fc.integer({ min: 1, max: 70000 }),
      (rcvNxt, kept, free, mss, bufferSize) => {
        const edge = seqAdd(rcvNxt, kept);
        const w = advertisableWindow({ freeSpace: free, lastAdvertisedRightEdge: edge, rcvNxt, mss, bufferSize });
        expect(seqDiff(seqAdd(rcvNxt, w), edge)).toBeGreaterThanOrEqual(0);
        expect(w === kept || w === free).toBe(true);
        if (w > kept) expect(w - kept).toBeGreaterThanOrEqual(Math.min(bufferSize / 2, mss));
      },
    ), { numRuns: 300 });
  });
});

describe('shouldSend (sender SWS avoidance, RFC 1122 §4.2.3.4)', () => {
  const base = { mss: 1000, maxPeerWindow: 4000, nothingOutstanding: false, pushed: false };

  test('(1) a full MSS goes out whenever it fits', () => {
    expect(shouldSend({ ...base, available: 3000, usableWindow: 5000 })).toBe(1000);
    expect(shouldSend({ ...base, available: 1000, usableWindow: 1000 })).toBe(1000);
  });

  test('(2) pushed data that all fits goes out when nothing is outstanding', () => {
    expect(shouldSend({ ...base, available: 500, usableWindow: 5000, pushed: true, nothingOutstanding: true })).toBe(500);
    expect(shouldSend({ ...base, available: 500, usableWindow: 500, pushed: true, nothingOutstanding: true })).toBe(500);
    // Outstanding data: wait for the ACK (Nagle's part of the rule)...
    expect(shouldSend({ ...base, available: 500, usableWindow: 5000, pushed: true })).toBe(0);
    // ...unless Nagle is off.
    expect(shouldSend({ ...base, available: 500, usableWindow: 5000, pushed: true, nagle: false })).toBe(500);
    // Not pushed: the application is still writing.
    expect(shouldSend({ ...base, available: 500, usableWindow: 5000, nothingOutstanding: true })).toBe(0);
    // Pushed but it does not all fit.
    expect(shouldSend({ ...base, available: 800, usableWindow: 700, pushed: true, nothingOutstanding: true })).toBe(0);
  });

  test('(3) at least half the largest window the peer offered goes out', () => {
    expect(shouldSend({ ...base, available: 3000, usableWindow: 900, maxPeerWindow: 1600 })).toBe(900);
    expect(shouldSend({ ...base, available: 3000, usableWindow: 900, maxPeerWindow: 1801 })).toBe(0);
    expect(shouldSend({ ...base, available: 700, usableWindow: 5000, maxPeerWindow: 1400 })).toBe(700);
  });

  test('nothing to send or no usable window: 0', () => {
    expect(shouldSend({ ...base, available: 0, usableWindow: 5000, pushed: true, nothingOutstanding: true })).toBe(0);
    expect(shouldSend({ ...base, available: 100, usableWindow: 0, pushed: true, nothingOutstanding: true, maxPeerWindow: 0 })).toBe(0);
    expect(shouldSend({ ...base, available: 100, usableWindow: -300, pushed: true, nothingOutstanding: true })).toBe(0);
  });

  test('property: never more than min(D, U, MSS); a send below MSS only under rule (2) or (3)', () => {
    fc.assert(fc.property(
      fc.integer({ min: -100, max: 10000 }), fc.integer({ min: -2000, max: 10000 }), fc.integer({ min: 1, max: 3000 }),
      fc.integer({ min: 0, max: 65535 }), fc.boolean(), fc.boolean(), fc.boolean(),
      (available, usableWindow, mss, maxPeerWindow, nothingOutstanding, pushed, nagle) => {
        const n = shouldSend({ available, usableWindow, mss, maxPeerWindow, nothingOutstanding, pushed, nagle });
        const d = Math.max(0, available), u = Math.max(0, usableWindow);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThanOrEqual(Math.min(d, u, mss));
        const rule1 = Math.min(d, u) >= mss;
        const rule2 = pushed && d <= u && (nothingOutstanding || !nagle);
        const rule3 = maxPeerWindow > 0 && Math.min(d, u) >= maxPeerWindow / 2;
        expect(n > 0).toBe(Math.min(d, u) > 0 && (rule1 || rule2 || rule3));
      },
    ), { numRuns: 500 });
  });
});
