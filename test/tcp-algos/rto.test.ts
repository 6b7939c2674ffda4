import fc from 'fast-check';
import { RtoEstimator, RttSampler } from '../../src/net/tcp/rto.js';

describe('RtoEstimator (RFC 6298)', () => {
  test('(2.1) before any sample RTO is the initial 1 s; SRTT unknown', () => {
    const e = new RtoEstimator();
    expect(e.rtoMs).toBe(1000);
    expect(e.srttMs).toBeUndefined();
    expect(e.rttvarMs).toBe(0);
  });

  test('(2.2)/(2.3) hand-computed sequence of samples (no lower bound, G = 0)', () => {
    const e = new RtoEstimator({ minMs: 0, granularityMs: 0 });
    // R = 800: SRTT = 800, RTTVAR = 400, RTO = 800 + 4*400 = 2400.
    e.sample(800);
    expect([e.srttMs, e.rttvarMs, e.rtoMs]).toEqual([800, 400, 2400]);
    // R = 400: RTTVAR = 3/4*400 + 1/4*|800-400| = 400 (with the OLD SRTT);
    // SRTT = 7/8*800 + 1/8*400 = 750; RTO = 750 + 1600 = 2350.
    e.sample(400);
    expect([e.srttMs, e.rttvarMs, e.rtoMs]).toEqual([750, 400, 2350]);
    // R = 1000: RTTVAR = 300 + 1/4*250 = 362.5; SRTT = 656.25 + 125 = 781.25;
    // RTO = 781.25 + 1450 = 2231.25, rounded up to whole ms.
    e.sample(1000);
    expect([e.srttMs, e.rttvarMs, e.rtoMs]).toEqual([781.25, 362.5, 2232]);
  });

  test('clock granularity G is the floor of the variance term', () => {
    const e = new RtoEstimator({ minMs: 0, granularityMs: 50 });
    // Constant R = 100: RTTVAR = 50 * (3/4)^(n-1); 4*RTTVAR = 200, 150, 112.5, 84.375, 63.28..
    const expected = [300, 250, 213, 185, 164, 150, 150];
    for (const rto of expected) {
      e.sample(100);
      expect(e.rtoMs).toBe(rto);
    }
    expect(e.srttMs).toBe(100);
  });

  test('(2.4) RTO below the minimum is rounded up to 1 s', () => {
    const e = new RtoEstimator();
    e.sample(100);
    expect(e.srttMs).toBe(100);
    expect(e.rtoMs).toBe(1000);
  });

  test('a zero sample is valid', () => {
    const e = new RtoEstimator({ minMs: 0, granularityMs: 50 });
    e.sample(0);
    expect(e.srttMs).toBe(0);
    expect(e.rtoMs).toBe(50);
  });

  test('(5.5) back-off doubles the RTO up to the 60 s maximum', () => {
    const e = new RtoEstimator();
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      e.backoff();
      seen.push(e.rtoMs);
    }
    expect(seen).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(e.backoffs).toBe(8);
  });

  test('(2.5) samples cannot push RTO above the maximum', () => {
    const e = new RtoEstimator({ maxMs: 5000 });
    e.sample(4000); // 4000 + 8000 -> capped
    expect(e.rtoMs).toBe(5000);
  });

  test('a new sample after back-off recomputes RTO from SRTT/RTTVAR (back-off ends)', () => {
    const e = new RtoEstimator({ minMs: 0, granularityMs: 0 });
    e.sample(800); // 2400
    e.backoff();
    e.backoff();
    expect(e.rtoMs).toBe(9600);
    e.sample(400);
    expect(e.rtoMs).toBe(2350);
    expect(e.backoffs).toBe(0);
  });

  test('reset forgets the samples; reset(3000) applies RFC 6298 (5.7)', () => {
    const e = new RtoEstimator();
    e.sample(1500);
    e.backoff();
    e.reset();
    expect(e.srttMs).toBeUndefined();
    expect(e.rtoMs).toBe(1000);
    e.reset(3000);
    expect(e.rtoMs).toBe(3000);
    e.reset();
    expect(e.rtoMs).toBe(1000);
  });

  test('invalid samples and options are ignored, nothing throws', () => {
    const e = new RtoEstimator({ minMs: -1, maxMs: Number.NaN, initialMs: Infinity, granularityMs: -3 });
    expect(e.rtoMs).toBe(1000);
    e.sample(Number.NaN);
    e.sample(-5);
    e.sample(Infinity);
    expect(e.srttMs).toBeUndefined();
    const inverted = new RtoEstimator({ minMs: 2000, maxMs: 500 });
    expect(inverted.rtoMs).toBe(2000);
    inverted.backoff();
    expect(inverted.rtoMs).toBe(2000);
  });

  test('property: RTO always within [min, max] and an integer', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 200000 }).map((r) => ({ r })), fc.constant({ r: -1 })), { maxLength: 40 }),
      (ops) => {
        const e = new RtoEstimator({ minMs: 200, maxMs: 120000, granularityMs: 10 });
        for (const { r } of ops) {
          if (r < 0) e.backoff();
          else e.sample(r);
          expect(e.rtoMs).toBeGreaterThanOrEqual(200);
          expect(e.rtoMs).toBeLessThanOrEqual(120000);
          expect(Number.isInteger(e.rtoMs)).toBe(true);
        }
      },
    ), { numRuns: 200 });
  });
});

describe('RttSampler (Karn)', () => {
  test('times one segment; the ACK covering it yields the RTT', () => {
    const s = new RttSampler();
    expect(s.timing).toBe(false);
    s.start(1100, 5000);
    expect(s.timing).toBe(true);
    s.start(1200, 5100); // ignored: one measurement at a time
    expect(s.onAck(1050, 5200)).toBeUndefined(); // does not cover 1100 yet
    expect(s.timing).toBe(true);
    expect(s.onAck(1100, 5230)).toBe(230); // measured from the FIRST segment
    expect(s.timing).toBe(false);
    expect(s.onAck(1200, 5300)).toBeUndefined();
  });

  test('an ACK beyond the timed segment also ends the measurement', () => {
    const s = new RttSampler();
    s.start(2000, 0);
    expect(s.onAck(3000, 40)).toBe(40);
  });

  test('works across the sequence wrap', () => {
    const s = new RttSampler();
    s.start(0x10, 100); // segment [0xfffffff0, 0x10)
    expect(s.onAck(0xfffffff8, 150)).toBeUndefined();
    expect(s.onAck(0x10, 180)).toBe(80);
  });

  test('a retransmission discards the measurement (Karn)', () => {
    const s = new RttSampler();
    s.start(500, 0);
    s.onRetransmit();
    expect(s.timing).toBe(false);
    expect(s.onAck(500, 3000)).toBeUndefined();
  });

  test('after a timeout, resent old data is not timed; new data is', () => {
    const s = new RttSampler();
    s.start(1500, 0); // segments up to 3000 were sent
    s.onRetransmit(3000); // RTO: go back to 1000
    s.start(2000, 1000); // resend of old bytes: must not be timed
    expect(s.timing).toBe(false);
    s.start(3000, 1100); // still old
    expect(s.timing).toBe(false);
    s.start(3500, 1200); // new data
    expect(s.timing).toBe(true);
    expect(s.onAck(3500, 1290)).toBe(90);
  });

  test('a clock that went backwards gives 0, not a negative RTT', () => {
    const s = new RttSampler();
    s.start(10, 1000);
    expect(s.onAck(10, 900)).toBe(0);
  });

  test('with the estimator: the retransmitted segment gives no sample, the next one does', () => {
    const e = new RtoEstimator({ minMs: 0, granularityMs: 0 });
    const s = new RttSampler();
    s.start(100, 0);
    s.onRetransmit(100);
    e.backoff();
    const lost = s.onAck(100, 2500); // ambiguous ACK of a retransmitted segment
    if (lost !== undefined) e.sample(lost);
    expect(e.srttMs).toBeUndefined();
    expect(e.rtoMs).toBe(2000);
    s.start(200, 3000);
    const r = s.onAck(200, 3120);
    expect(r).toBe(120);
    e.sample(r!);
    expect(e.srttMs).toBe(120);
    expect(e.rtoMs).toBe(120 + 4 * 60);
  });
});
