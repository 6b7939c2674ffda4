import fc from 'fast-check';
import { ByteQueue } from '../../src/sched/queue.js';
import { TaskState } from '../../src/sched/types.js';
import { code, drain, makeHarness } from './harness.js';

const A = code('a');
const B = code('b');

describe('write/read (fnWrite/fnRead)', () => {
  test('a message round-trips whole and activates the destination', () => {
    const h = makeHarness([{ name: 'app', queueSize: 37 }, { name: 'b', queueSize: 37 }]);
    h.s.start();
    const msg = Uint8Array.of(0, 0, A, B, 3, 0x10, 0x20, 0x30);
    expect(h.s.write(msg)).toBe(8);
    expect(h.s.getState('a')).toBe(TaskState.Activate);
    h.clock.runDue();
    expect(h.runs.map((r) => [r.task, r.at, r.messages])).toEqual([['a', 0, [[0, 0, A, B, 3, 0x10, 0x20, 0x30]]]]);
  });

  test('the length argument limits what is copied', () => {
    const h = makeHarness([{ name: 'a', queueSize: 37, noDrain: true }]);
    const msg = Uint8Array.of(0, 0, A, B, 1, 0x77, 0xee, 0xee);
    expect(h.s.write(msg, 6)).toBe(6);
    const buf = new Uint8Array(16);
    expect(h.s.read(h.s.queueOf('a'), buf, 16)).toBe(6);
    expect(Array.from(buf.subarray(0, 6))).toEqual([0, 0, A, B, 1, 0x77]);
  });

  test('read returns at most n bytes, in order, across calls', () => {
    const h = makeHarness([{ name: 'a', queueSize: 20, noDrain: true }]);
    h.s.write(Uint8Array.of(0, 0, A, B, 2, 1, 2));
    h.s.write(Uint8Array.of(0, 0, A, B, 1, 3));
    const q = h.s.queueOf('a');
    const buf = new Uint8Array(8);
    expect(h.s.read(q, buf, 5)).toBe(5);
    expect(Array.from(buf.subarray(0, 5))).toEqual([0, 0, A, B, 2]);
    expect(h.s.read(q, buf, 2)).toBe(2);
    expect(Array.from(buf.subarray(0, 2))).toEqual([1, 2]);
    expect(h.s.read(q, buf, 8)).toBe(6);
    expect(Array.from(buf.subarray(0, 6))).toEqual([0, 0, A, B, 1, 3]);
    expect(h.s.read(q, buf, 8)).toBe(0);
    expect(h.s.read(q, buf, -3)).toBe(0);
  });

  test('CHECK_QUEUE returns the free space and writes nothing', () => {
    const h = makeHarness([{ name: 'a', queueSize: 37, noDrain: true }]);
    const check = Uint8Array.of(0, 0, A, 0x03, 0);
    expect(h.s.write(check)).toBe(37);
    h.s.write(Uint8Array.of(0, 0, A, B, 3, 1, 2, 3));
    expect(h.s.write(check)).toBe(29);
    expect(h.s.read(h.s.queueOf('a'), new Uint8Array(64), 64)).toBe(8);
  });

  test('a message that does not fit is rejected whole, counted and logged', () => {
    const h = makeHarness([{ name: 'a', queueSize: 10, noDrain: true }]);
    expect(h.s.write(Uint8Array.of(0, 0, A, B, 2, 1, 2))).toBe(7);
    expect(h.s.write(Uint8Array.of(0, 0, A, B, 1, 9))).toBe(0); // needs 6, 3 free
    expect(h.s.stats.queueOverflows).toBe(1);
    expect(h.logs.some(([level, m]) => level === 'warn' && m.includes('full'))).toBe(true);
    // Nothing of the rejected message went in.
    const buf = new Uint8Array(16);
    expect(h.s.read(h.s.queueOf('a'), buf, 16)).toBe(7);
    expect(Array.from(buf.subarray(0, 7))).toEqual([0, 0, A, B, 2, 1, 2]);
    // A message that fills the queue exactly is accepted.
    expect(h.s.write(Uint8Array.of(0, 0, A, B, 5, 1, 2, 3, 4, 5))).toBe(10);
    expect(h.s.stats.queueOverflows).toBe(1);
  });

  test('a full queue still wakes its task so that it can drain it', () => {
    let drainNow = false;
    const got: number[][] = [];
    const h = makeHarness([{ name: 'a', queueSize: 5, noDrain: true, body: (c, hh) => { if (drainNow) got.push(...drain(hh.s, c.queue)); } }]);
    h.s.start();
    h.s.write(Uint8Array.of(0, 0, A, 1, 1));
    h.clock.runDue(); // runs, leaves the message queued, and is STOP again
    expect(h.s.getState('a')).toBe(TaskState.Stop);
    drainNow = true;
    expect(h.s.write(Uint8Array.of(0, 0, A, 1, 2))).toBe(0);
    expect(h.s.getState('a')).toBe(TaskState.Activate);
    h.clock.runDue();
    expect(got).toEqual([[0, 0, A, 1, 1]]);
    expect(h.timesOf('a')).toEqual([0, 0]);
  });

  test('undeliverable messages return 0 and are counted', () => {
    const h = makeHarness([{ name: 'a', queueSize: 20 }, { name: 'n' }]);
    h.s.start();
    expect(h.s.write(Uint8Array.of(0, 0, code('z'), B, 0))).toBe(0); // unknown task
    expect(h.s.write(Uint8Array.of(0, 0, code('n'), B, 0))).toBe(0); // task without a queue
    expect(h.s.write(Uint8Array.of(1, 0, A, B, 0))).toBe(0); // another node
    expect(h.s.write(Uint8Array.of(0, 0, A, B))).toBe(0); // shorter than a header
    expect(h.s.write(Uint8Array.of(0, 0, A, B, 0), 9)).toBe(0); // length beyond the array
    expect(h.s.write(Uint8Array.of(0, 0, A, B, 0), 5.5)).toBe(0);
    expect(h.s.stats.undeliverable).toBe(6);
    expect(h.s.stats.queueOverflows).toBe(0);
    h.clock.runDue();
    expect(h.runs).toEqual([]);
  });

  test('read with a bad handle returns 0', () => {
    const h = makeHarness([{ name: 'a', queueSize: 20 }]);
    const buf = new Uint8Array(8);
    expect(h.s.read(0, buf, 8)).toBe(0);
    expect(h.s.read(2, buf, 8)).toBe(0);
    expect(h.s.read(1.5, buf, 8)).toBe(0);
    expect(h.s.queueOf('a')).toBe(1);
    expect(h.s.queueOf('z')).toBe(0);
  });

  test('each task gets its own queue handle in its context', () => {
    const seen: Array<[string, string, number]> = [];
    const h = makeHarness([
      { name: 'Eth', queueSize: 60, initialState: TaskState.Activate, body: (c) => { seen.push([c.name, c.id, c.queue]); } },
      { name: 'none', initialState: TaskState.Activate, body: (c) => { seen.push([c.name, c.id, c.queue]); } },
      { name: 'TCP', queueSize: 69, initialState: TaskState.Activate, body: (c) => { seen.push([c.name, c.id, c.queue]); } },
    ]);
    h.s.start();
    h.clock.runDue();
    expect(seen).toEqual([['Eth', 'E', 1], ['none', 'n', 0], ['TCP', 'T', 2]]);
  });
});

describe('interrupt and event messages', () => {
  test('interruptMessage queues [0, 0, task, INTERRUPT_EVENT, event]', () => {
    const h = makeHarness([{ name: 'a', queueSize: 20 }]);
    h.s.start();
    expect(h.s.interruptMessage('a', 0x33)).toBe(5);
    h.clock.runDue();
    expect(h.runs.map((r) => r.messages)).toEqual([[[0, 0, A, 0x01, 0x33]]]);
  });

  test('eventMessage queues [0, 0, dest, src, 1, event]', () => {
    const h = makeHarness([{ name: 'a', queueSize: 20 }]);
    h.s.start();
    expect(h.s.eventMessage('a', 'b', 0x44)).toBe(6);
    expect(h.s.eventMessage(A, 0x02, 0x45)).toBe(6); // FUNCTION_EVENT pseudo-source by number
    h.clock.runDue();
    expect(h.runs.map((r) => r.messages)).toEqual([[[0, 0, A, B, 1, 0x44], [0, 0, A, 0x02, 1, 0x45]]]);
  });

  test('task 0 or an unknown task gets nothing', () => {
    const h = makeHarness([{ name: 'a', queueSize: 20 }]);
    expect(h.s.interruptMessage(0, 1)).toBe(0);
    expect(h.s.interruptMessage('', 1)).toBe(0);
    expect(h.s.interruptMessage('q', 1)).toBe(0);
    expect(h.s.eventMessage('a', -1, 1)).toBe(0);
  });
});

describe('ByteQueue', () => {
  test('wraps around the end of its ring', () => {
    const q = new ByteQueue(8);
    const out = new Uint8Array(8);
    expect(q.write(Uint8Array.of(1, 2, 3, 4, 5, 6), 6)).toBe(true);
    expect(q.read(out, 4)).toBe(4);
    expect(q.write(Uint8Array.of(7, 8, 9, 10, 11, 12), 6)).toBe(true); // wraps
    expect(q.free).toBe(0);
    expect(q.write(Uint8Array.of(13), 1)).toBe(false);
    expect(q.read(out, 8)).toBe(8);
    expect(Array.from(out)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(q.length).toBe(0);
  });

  test('behaves like an unbounded FIFO that refuses writes beyond capacity (property)', () => {
    const op = fc.oneof(
      fc.record({ write: fc.uint8Array({ minLength: 0, maxLength: 12 }) }),
      fc.record({ read: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const q = new ByteQueue(capacity);
        const model: number[] = [];
        const out = new Uint8Array(16);
        for (const o of ops) {
          if ('write' in o) {
            const fits = model.length + o.write.length <= capacity;
            expect(q.write(o.write, o.write.length)).toBe(fits);
            if (fits) model.push(...o.write);
          } else {
            const n = q.read(out, o.read);
            const expected = model.splice(0, o.read);
            expect(n).toBe(expected.length);
            expect(Array.from(out.subarray(0, n))).toEqual(expected);
          }
          expect(q.length).toBe(model.length);
          expect(q.free).toBe(capacity - model.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
