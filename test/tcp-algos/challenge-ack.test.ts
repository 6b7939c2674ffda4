import {
  ChallengeAckLimiter, classifyAck, classifyRst,
} from '../../src/net/tcp/challenge-ack.js';
import { SeededRandom } from '../../src/host/random.js';

describe('ChallengeAckLimiter (RFC 5961 §7)', () => {
  test('default budget: 10 per 1 s interval, for the whole stack', () => {
    const l = new ChallengeAckLimiter();
    const t0 = 50_000;
    for (let i = 0; i < 10; i++) expect(l.allow(t0 + i)).toBe(true);
    expect(l.allow(t0 + 10)).toBe(false);
    expect(l.allow(t0 + 999)).toBe(false);
    expect(l.allow(t0 + 1000)).toBe(true); // a new interval
    for (let i = 0; i < 9; i++) expect(l.allow(t0 + 1000 + i)).toBe(true);
    expect(l.allow(t0 + 1500)).toBe(false);
  });

  test('configurable rate; 0 disables challenge ACKs', () => {
    const three = new ChallengeAckLimiter({ perSecond: 3 });
    expect([three.allow(0), three.allow(0), three.allow(0), three.allow(0)]).toEqual([true, true, true, false]);
    const none = new ChallengeAckLimiter({ perSecond: 0 });
    expect(none.allow(0)).toBe(false);
    expect(none.allow(5000)).toBe(false);
  });

  test('a clock that goes backwards starts a new interval instead of blocking for ever', () => {
    const l = new ChallengeAckLimiter({ perSecond: 1 });
    expect(l.allow(10_000)).toBe(true);
    expect(l.allow(10_001)).toBe(false);
    expect(l.allow(5)).toBe(true);
  });

  test('with a random source each interval gets a budget in [N/2, N/2 + N] (CVE-2016-5696)', () => {
    const l = new ChallengeAckLimiter({ perSecond: 10, random: new SeededRandom(1234) });
    const budgets = new Set<number>();
    for (let interval = 0; interval < 40; interval++) {
      let n = 0;
      while (n < 100 && l.allow(interval * 1000)) n++;
      expect(n).toBeGreaterThanOrEqual(5);
      expect(n).toBeLessThanOrEqual(15);
      budgets.add(n);
    }
    expect(budgets.size).toBeGreaterThan(3); // not a fixed, countable number
  });
});

describe('classifyRst (RFC 5961 §3.2)', () => {
  test('exact RCV.NXT resets; inside the window challenges; outside is dropped', () => {
    expect(classifyRst(1000, 1000, 500)).toBe('exact');
    expect(classifyRst(1001, 1000, 500)).toBe('in-window');
    expect(classifyRst(1499, 1000, 500)).toBe('in-window');
    expect(classifyRst(1500, 1000, 500)).toBe('outside');
    expect(classifyRst(999, 1000, 500)).toBe('outside');
  });
  test('zero window: only the exact match counts', () => {
    expect(classifyRst(1000, 1000, 0)).toBe('exact');
    expect(classifyRst(1001, 1000, 0)).toBe('outside');
  });
  test('across the wrap', () => {
    expect(classifyRst(0x10, 0xfffffff0, 0x100)).toBe('in-window');
    expect(classifyRst(0xffffffef, 0xfffffff0, 0x100)).toBe('outside');
    expect(classifyRst(0xfffffff0, 0xfffffff0, 0x100)).toBe('exact');
  });
});

describe('classifyAck (RFC 5961 §5.2)', () => {
  test('SND.UNA − MAX.SND.WND <= SEG.ACK <= SND.NXT is acceptable', () => {
    expect(classifyAck(1500, 1000, 2000, 500)).toBe('new');
    expect(classifyAck(2000, 1000, 2000, 500)).toBe('new');
    expect(classifyAck(2001, 1000, 2000, 500)).toBe('unacceptable'); // acknowledges unsent data
    expect(classifyAck(1000, 1000, 2000, 500)).toBe('duplicate');
    expect(classifyAck(600, 1000, 2000, 500)).toBe('old');
    expect(classifyAck(500, 1000, 2000, 500)).toBe('old');
    expect(classifyAck(499, 1000, 2000, 500)).toBe('unacceptable'); // too old: blind injection
  });
  test('across the wrap', () => {
    expect(classifyAck(0x10, 0xfffffff0, 0x100, 0x1000)).toBe('new');
    expect(classifyAck(0xffffffe0, 0xfffffff0, 0x100, 0x1000)).toBe('old');
    expect(classifyAck(0x101, 0xfffffff0, 0x100, 0x1000)).toBe('unacceptable');
  });
  test('nothing outstanding: only the duplicate and old ACKs are acceptable', () => {
    expect(classifyAck(3000, 3000, 3000, 100)).toBe('duplicate');
    expect(classifyAck(3001, 3000, 3000, 100)).toBe('unacceptable');
  });
});
