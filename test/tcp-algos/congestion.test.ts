import fc from 'fast-check';
import { NewReno, initialWindow } from '../../src/net/tcp/congestion.js';
import { seqAdd, seqDiff, seqGeq } from '../../src/net/tcp/seq.js';

describe('initial window', () => {
  test('RFC 5681 §3.1: 4, 3 or 2 segments by MSS', () => {
    expect(initialWindow(536)).toBe(2144);
    expect(initialWindow(1095)).toBe(4380);
    expect(initialWindow(1096)).toBe(3288);
    expect(initialWindow(1460)).toBe(4380);
    expect(initialWindow(2190)).toBe(6570);
    expect(initialWindow(2191)).toBe(4382);
  });
  test('RFC 6928: min(10*MSS, max(2*MSS, 14600))', () => {
    expect(initialWindow(1460, 'rfc6928')).toBe(14600);
    expect(initialWindow(536, 'rfc6928')).toBe(5360);
    expect(initialWindow(9000, 'rfc6928')).toBe(18000);
  });
  test('constructor options choose the rule or an explicit segment count', () => {
    expect(new NewReno(1460).cwnd).toBe(4380);
    expect(new NewReno(1460, { initialWindowRule: 'rfc6928' }).cwnd).toBe(14600);
    expect(new NewReno(1000, { initialWindowSegments: 1 }).cwnd).toBe(1000);
    expect(new NewReno(1000).ssthresh).toBeGreaterThanOrEqual(65535); // "arbitrarily high"
  });
});

describe('NewReno: slow start and congestion avoidance (RFC 5681 §3.1, RFC 3465)', () => {
  test('slow start grows by the bytes acknowledged, at most L = 2*MSS per ACK', () => {
    const cc = new NewReno(1000); // IW 4000
    expect(cc.onAck(1000, 1000, 4000)).toBe('none');
    expect(cc.cwnd).toBe(5000);
    cc.onAck(3000, 4000, 5000); // a stretch ACK counts as 2 MSS
    expect(cc.cwnd).toBe(7000);
    cc.onAck(500, 4500, 4000);
    expect(cc.cwnd).toBe(7500);
  });

  test('congestion avoidance: one MSS per cwnd of acknowledged bytes', () => {
    const cc = new NewReno(1000, { fullAckCwnd: 'ssthresh' });
    // Reach cwnd = ssthresh = 4000 through a fast recovery.
    for (let i = 0; i < 3; i++) cc.onDuplicateAck(8000, 18000, 10000);
    cc.onAck(8000, 18000, 8000);
    expect([cc.cwnd, cc.ssthresh, cc.inRecovery]).toEqual([4000, 4000, false]);
    cc.onAck(1000, 19000, 4000);
    cc.onAck(1000, 20000, 4000);
    cc.onAck(1000, 21000, 4000);
    expect(cc.cwnd).toBe(4000);
    cc.onAck(1000, 22000, 4000); // 4000 bytes acknowledged = one cwnd
    expect(cc.cwnd).toBe(5000);
    for (let i = 0; i < 4; i++) cc.onAck(1000, 23000 + i * 1000, 5000);
    expect(cc.cwnd).toBe(5000);
    cc.onAck(1000, 27000, 5000);
    expect(cc.cwnd).toBe(6000);
  });

  test('an ACK of nothing new changes nothing', () => {
    const cc = new NewReno(1000);
    expect(cc.onAck(0, 0, 1000)).toBe('none');
    expect(cc.onAck(Number.NaN, 0, 1000)).toBe('none');
    expect(cc.cwnd).toBe(4000);
  });
});

describe('NewReno: fast retransmit and fast recovery (RFC 5681 §3.2, RFC 6582)', () => {
  test('third duplicate ACK: ssthresh = FlightSize/2, cwnd = ssthresh + 3 MSS, recover = SND.NXT', () => {
    const cc = new NewReno(1000);
    expect(cc.onDuplicateAck(8000, 18000, 10000)).toBe('none');
    expect(cc.onDuplicateAck(8000, 18000, 10000)).toBe('none');
    expect(cc.duplicateAcks).toBe(2);
    expect(cc.onDuplicateAck(8000, 18000, 10000)).toBe('fast-retransmit');
    expect([cc.ssthresh, cc.cwnd, cc.recover, cc.inRecovery]).toEqual([4000, 7000, 18000, true]);
    // Each further duplicate inflates cwnd by one MSS.
    expect(cc.onDuplicateAck(8000, 18000, 10000)).toBe('none');
    expect(cc.onDuplicateAck(8000, 18000, 10000)).toBe('none');
    expect(cc.cwnd).toBe(9000);
  });

  test('partial ACKs deflate by the bytes acknowledged (+1 MSS when >= 1 MSS) and ask for a retransmission', () => {
    const cc = new NewReno(1000);
    for (let i = 0; i < 4; i++) cc.onDuplicateAck(8000, 18000, 10000); // cwnd 8000
    expect(cc.onAck(2000, 12000, 8000)).toBe('retransmit-first-unacked');
    expect(cc.cwnd).toBe(7000); // 8000 - 2000 + 1000
    expect(cc.partialAcks).toBe(1);
    expect(cc.onAck(500, 12500, 6000)).toBe('retransmit-first-unacked');
    expect(cc.cwnd).toBe(6500); // < 1 MSS acknowledged: no add-back
    expect(cc.onAck(1000, 13500, 5500)).toBe('retransmit-first-unacked');
    expect(cc.cwnd).toBe(6500); // exactly 1 MSS acknowledged: deflate 1000, add back 1000
    expect(cc.inRecovery).toBe(true);
    expect(cc.partialAcks).toBe(3);
  });

  test('an ACK one short of recover is still partial; ack = recover is the full ACK', () => {
    const cc = new NewReno(1000);
    for (let i = 0; i < 3; i++) cc.onDuplicateAck(8000, 18000, 10000);
    expect(cc.onAck(7999, 17999, 8000)).toBe('retransmit-first-unacked');
    expect(cc.inRecovery).toBe(true);
    expect(cc.onAck(1, 18000, 1)).toBe('none');
    expect(cc.inRecovery).toBe(false);
  });

  test('full ACK, option 1: cwnd = min(ssthresh, max(FlightSize, MSS) + MSS)', () => {
    const cc = new NewReno(1000);
    for (let i = 0; i < 3; i++) cc.onDuplicateAck(8000, 18000, 10000);
    cc.onAck(5000, 18000, 8000 + 3000); // 3000 of new data still in flight after it
    expect([cc.inRecovery, cc.cwnd]).toEqual([false, 4000]); // min(4000, 3000 + 1000)
    const cc2 = new NewReno(1000);
    for (let i = 0; i < 3; i++) cc2.onDuplicateAck(8000, 18000, 10000);
    cc2.onAck(8000, 18000, 8000); // nothing left in flight
    expect(cc2.cwnd).toBe(2000); // min(4000, max(0, 1000) + 1000)
  });

  test('full ACK, option 2: cwnd = ssthresh', () => {
    const cc = new NewReno(1000, { fullAckCwnd: 'ssthresh' });
    for (let i = 0; i < 3; i++) cc.onDuplicateAck(8000, 18000, 10000);
    cc.onAck(8000, 18000, 8000);
    expect(cc.cwnd).toBe(4000);
  });

  test('ssthresh never drops below 2 MSS', () => {
    const cc = new NewReno(1000);
    for (let i = 0; i < 3; i++) cc.onDuplicateAck(1500, 2000, 500);
    expect([cc.ssthresh, cc.cwnd]).toEqual([2000, 5000]);
  });

  test('a new ACK resets the duplicate count', () => {
    const cc = new NewReno(1000);
    cc.onDuplicateAck(8000, 18000, 10000);
    cc.onDuplicateAck(8000, 18000, 10000);
    cc.onAck(1000, 11000, 8000);
    expect(cc.onDuplicateAck(7000, 18000, 11000)).toBe('none');
    expect(cc.onDuplicateAck(7000, 18000, 11000)).toBe('none');
    expect(cc.onDuplicateAck(7000, 18000, 11000)).toBe('fast-retransmit');
  });

  test('recover guard: duplicates for data below recover after a timeout do not start fast retransmit', () => {
    const cc = new NewReno(1000);
    cc.onRetransmitTimeout(10000, 20000);
    const ssthresh = cc.ssthresh;
    cc.onAck(1000, 11000, 10000);
    for (let i = 0; i < 5; i++) expect(cc.onDuplicateAck(9000, 20000, 11000)).toBe('none');
    expect([cc.inRecovery, cc.ssthresh]).toEqual([false, ssthresh]);
    // Once SND.UNA has reached recover, three duplicates work again.
    const cc2 = new NewReno(1000);
    cc2.onRetransmitTimeout(10000, 20000);
    cc2.onAck(10000, 20000, 10000);
    cc2.onDuplicateAck(3000, 23000, 20000);
    cc2.onDuplicateAck(3000, 23000, 20000);
    expect(cc2.onDuplicateAck(3000, 23000, 20000)).toBe('fast-retransmit');
  });

  test('works across the sequence wrap', () => {
    const cc = new NewReno(1000);
    for (let i = 0; i < 3; i++) cc.onDuplicateAck(6000, 0x00000fa0, 0xfffff830); // recover = 4000
    expect(cc.recover).toBe(0xfa0);
    expect(cc.onAck(2000, 0x00000000, 6000)).toBe('retransmit-first-unacked');
    expect(cc.onAck(4000, 0x00000fa0, 4000)).toBe('none');
    expect(cc.inRecovery).toBe(false);
  });
});

describe('NewReno: retransmission timeout (RFC 5681 §3.1 eq. 4, RFC 3465)', () => {
  test('ssthresh = max(FlightSize/2, 2 MSS), cwnd = 1 MSS (loss window), recovery ends', () => {
    const cc = new NewReno(1000);
    for (let i = 0; i < 3; i++) cc.onDuplicateAck(8000, 18000, 10000);
    cc.onRetransmitTimeout(10000, 18000);
    expect([cc.ssthresh, cc.cwnd, cc.inRecovery, cc.recover]).toEqual([5000, 1000, false, 18000]);
  });

  test('a repeated timeout without new data acknowledged holds ssthresh', () => {
    const cc = new NewReno(1000);
    cc.onRetransmitTimeout(10000);
    cc.onRetransmitTimeout(1000); // the same segment timed out again
    expect([cc.ssthresh, cc.cwnd]).toEqual([5000, 1000]);
    cc.onAck(1000, 1000, 10000);
    cc.onRetransmitTimeout(12000);
    expect(cc.ssthresh).toBe(6000);
  });

  test('slow start after a timeout grows by at most 1 MSS per ACK; later ones by 2 MSS again', () => {
    const cc = new NewReno(1000);
    cc.onRetransmitTimeout(8000); // ssthresh 4000
    cc.onAck(3000, 3000, 8000);
    expect(cc.cwnd).toBe(2000);
    cc.onAck(3000, 6000, 5000);
    cc.onAck(3000, 9000, 2000);
    expect(cc.cwnd).toBe(4000); // reached ssthresh: congestion avoidance from here
    cc.onAck(4000, 13000, 4000);
    expect(cc.cwnd).toBe(5000);
    // A fast recovery that ends below ssthresh slow-starts with L = 2 MSS.
    for (let i = 0; i < 3; i++) cc.onDuplicateAck(12000, 30000, 13000); // ssthresh 6000
    cc.onAck(17000, 30000, 17000); // cwnd = min(6000, 1000 + 1000) = 2000
    expect(cc.cwnd).toBe(2000);
    cc.onAck(3000, 33000, 2000);
    expect(cc.cwnd).toBe(4000);
  });
});

describe('NewReno: MSS changes and idle restart', () => {
  test('before any event a new MSS recomputes the initial window', () => {
    const cc = new NewReno(536);
    expect(cc.cwnd).toBe(2144);
    cc.setMss(1460);
    expect([cc.mss, cc.cwnd]).toEqual([1460, 4380]);
  });

  test('afterwards cwnd >= 1 MSS and ssthresh >= 2 MSS are restored; invalid values ignored', () => {
    const cc = new NewReno(500);
    cc.onRetransmitTimeout(0); // ssthresh 1000, cwnd 500
    cc.setMss(1460);
    expect([cc.cwnd, cc.ssthresh]).toEqual([1460, 2920]);
    cc.setMss(0);
    cc.setMss(Number.NaN);
    cc.setMss(70000);
    expect(cc.mss).toBe(1460);
  });

  test('restart after idle: cwnd = min(IW, cwnd) (RFC 5681 §4.1)', () => {
    const cc = new NewReno(1000);
    for (let i = 0; i < 10; i++) cc.onAck(2000, (i + 1) * 2000, 20000);
    expect(cc.cwnd).toBe(24000);
    cc.restartAfterIdle();
    expect(cc.cwnd).toBe(4000);
  });
});

describe('NewReno: invariants (property)', () => {
  /** A plain throw: much cheaper than expect() inside thousands of property steps. */
  function check(ok: boolean, what: string): void {
    if (!ok) throw new Error(what);
  }
  /** How often the runs went through recovery (the property must exercise it). */
  let recoveries = 0, fullAcks = 0;
  afterAll(() => {
    expect(recoveries).toBeGreaterThan(100);
    expect(fullAcks).toBeGreaterThan(50);
  });

  const event = fc.oneof(
    fc.record({ kind: fc.constant('send' as const), n: fc.integer({ min: 1, max: 6000 }) }),
    { arbitrary: fc.record({ kind: fc.constant('ack' as const), n: fc.integer({ min: 1, max: 6000 }) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('dup' as const), times: fc.integer({ min: 1, max: 5 }) }), weight: 2 },
    fc.record({ kind: fc.constant('rto' as const) }),
    fc.record({ kind: fc.constant('idle' as const) }),
  );

  test('cwnd >= 1 MSS, ssthresh >= 2 MSS, recovery entered only by fast retransmit and left only on ack >= recover or a timeout', () => {
    fc.assert(fc.property(
      fc.integer({ min: 100, max: 9000 }), fc.nat({ max: 0xffffffff }), fc.array(event, { maxLength: 80, size: 'max' }),
      (mss, isn, events) => {
        const cc = new NewReno(mss);
        let una = isn, nxt = isn;
        for (const e of events) {
          const wasInRecovery = cc.inRecovery;
          const flight = seqDiff(nxt, una);
          if (e.kind === 'send') {
            nxt = seqAdd(nxt, e.n);
          } else if (e.kind === 'ack' && flight > 0) {
            const acked = Math.min(e.n, flight);
            const recover = cc.recover;
            una = seqAdd(una, acked);
            const action = cc.onAck(acked, una, flight);
            if (wasInRecovery && !cc.inRecovery) {
              check(seqGeq(una, recover!), 'left recovery below recover');
              check(action === 'none', 'full ack asked for a retransmission');
              fullAcks++;
            }
            if (wasInRecovery && cc.inRecovery) check(action === 'retransmit-first-unacked', 'partial ack without retransmission');
            if (!wasInRecovery) check(action === 'none', 'retransmission outside recovery');
          } else if (e.kind === 'dup' && flight > 0) {
            for (let i = 0; i < e.times; i++) {
              const before = cc.inRecovery;
              const action = cc.onDuplicateAck(flight, nxt, una);
              if (action === 'fast-retransmit') {
                check(!before, 'fast retransmit while in recovery');
                check(cc.recover === nxt, 'recover is not SND.NXT');
                recoveries++;
              }
              if (!before && cc.inRecovery) check(action === 'fast-retransmit', 'entered recovery silently');
              check(cc.inRecovery === (before || action === 'fast-retransmit'), 'duplicate ACK ended recovery');
            }
          } else if (e.kind === 'rto') {
            cc.onRetransmitTimeout(flight, nxt);
            check(!cc.inRecovery && cc.cwnd === cc.mss, 'timeout: not LW or still in recovery');
          } else if (e.kind === 'idle') {
            cc.restartAfterIdle();
          }
          check(cc.cwnd >= mss, `cwnd ${cc.cwnd} < MSS`);
          check(cc.ssthresh >= 2 * mss, `ssthresh ${cc.ssthresh} < 2 MSS`);
          check(Number.isInteger(cc.cwnd) && Number.isInteger(cc.ssthresh), 'fractional window');
        }
        return true;
      },
    ), { numRuns: 300 });
  });
});
