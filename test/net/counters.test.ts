/**
 * Counters: ids index a typed array, names only serve `get` and `snapshot`; drops count
 * in their layer's total; codec drop codes map to `<layer>.drop.<reason>`.
 */
import { Counters, counterId, counterName, dropCounterId, formatCounters } from '../../src/net/counters.js';
import { DROP_TCP_CODEC, DROP_IPV4_CODEC, CNT_TCP_EVENTS, CNT_TCP_EVENTS_OTHER } from '../../src/net/counter-ids.js';
import * as reasons from '../../src/net/wire/reasons.js';
import { DROP_IPV4_BAD_CHECKSUM, DROP_REASONS, DROP_TCP_BAD_OPTION, dropReasonName } from '../../src/net/wire/reasons.js';

describe('Counters', () => {
  test('an id names one counter, the same id for the same name', () => {
    const a = counterId('test.alpha');
    expect(counterId('test.alpha')).toBe(a);
    expect(counterId('test.beta')).not.toBe(a);
    expect(counterName(a)).toBe('test.alpha');
  });

  test('inc adds 1 or the amount; get reads by name; unknown names read 0', () => {
    const c = new Counters();
    const id = counterId('test.gamma');
    c.inc(id);
    c.inc(id, 41);
    expect(c.get('test.gamma')).toBe(42);
    expect(c.get('test.never-registered')).toBe(0);
  });

  test('a drop counts under its reason and in the layer total', () => {
    const c = new Counters();
    c.drop(dropCounterId('test', 'too-odd'));
    c.drop(dropCounterId('test', 'too-even'));
    c.drop(dropCounterId('test', 'too-odd'));
    expect(c.get('test.drop.too-odd')).toBe(2);
    expect(c.get('test.drop.too-even')).toBe(1);
    expect(c.get('test.drops')).toBe(3);
  });

  test('counters of stacks are independent; reset zeroes', () => {
    const a = new Counters();
    const b = new Counters();
    const id = counterId('test.delta');
    a.inc(id);
    expect(b.get('test.delta')).toBe(0);
    a.reset();
    expect(a.get('test.delta')).toBe(0);
  });

  test('an id registered after the stack was made still counts (the array grows)', () => {
    const c = new Counters();
    let last = 0;
    for (let i = 0; i < 300; i++) last = counterId(`test.late-${i}`);
    c.inc(last, 7);
    expect(c.get('test.late-299')).toBe(7);
  });

  test('snapshot lists non-zero counters sorted by name; byte counts beyond 2^32 stay exact', () => {
    const c = new Counters();
    c.inc(counterId('test.zz'), 2 ** 33 + 1);
    c.inc(counterId('test.aa'));
    counterId('test.untouched');
    expect(Object.entries(c.snapshot())).toEqual([['test.aa', 1], ['test.zz', 2 ** 33 + 1]]);
    expect(formatCounters(c.snapshot())).toBe('test:\n    1 aa\n    8589934593 zz');
  });

  test('codec drop codes map to the layer reason counters', () => {
    const c = new Counters();
    c.drop(DROP_TCP_CODEC[DROP_TCP_BAD_OPTION]);
    c.drop(DROP_IPV4_CODEC[DROP_IPV4_BAD_CHECKSUM]);
    expect(dropReasonName(DROP_TCP_BAD_OPTION)).toBe('tcp-bad-option');
    expect(c.get('tcp.drop.tcp-bad-option')).toBe(1);
    expect(c.get('ipv4.drop.ipv4-bad-checksum')).toBe(1);
    expect(c.get('tcp.drops')).toBe(1);
    // Every code has a counter in every layer table (a foreign code lands in `other`).
    expect(DROP_TCP_CODEC.length).toBe(DROP_REASONS.length + 1);
    c.drop(DROP_TCP_CODEC[DROP_IPV4_BAD_CHECKSUM]);
    expect(c.get('tcp.drop.other')).toBe(1);
  });

  test('every DROP_* code constant is the code of the reason its name spells', () => {
    const constants = Object.entries(reasons).filter(([k, v]) => /^DROP_[A-Z0-9_]+$/.test(k) && typeof v === 'number' && v > 0);
    expect(constants.length).toBe(DROP_REASONS.length);
    for (const [k, v] of constants) expect(dropReasonName(v as number)).toBe(k.slice(5).toLowerCase().replace(/_/g, '-'));
  });

  test('listener events have one id each, others share one', () => {
    const c = new Counters();
    c.inc(CNT_TCP_EVENTS[4]);
    c.inc(CNT_TCP_EVENTS[99] ?? CNT_TCP_EVENTS_OTHER);
    expect(c.get('tcp.events.4')).toBe(1);
    expect(c.get('tcp.events.other')).toBe(1);
  });
});
