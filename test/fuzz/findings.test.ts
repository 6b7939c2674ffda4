/**
 * Bugs the fuzzer (fuzz/, `npm run fuzz`) found, each kept as a regression test: first as
 * segments against one stack, then as the fuzz case that showed it on two boards.
 */
import { TcpHarness } from '../tcp/harness.js';
import { runPair, type PairInput } from '../../fuzz/targets.js';

const BUDGET = 10; // challengeAcksPerSecond's default

describe('found by the fuzzer', () => {
  // Symptom (pair target, seed 90): a frame of the server lost, the next one's sequence number
  // moved up by 2 in flight. The client took the forged bytes, so its RCV.NXT passed the
  // server's SND.NXT. From then on each end found the other's bare ACK unacceptable (an ACK
  // of unsent data; a sequence number below RCV.NXT) and answered it with an ACK at once:
  // an endless ACK exchange in zero time (a million timers fired at t = 4000 ms).
  test('a bare ACK acknowledging unsent data is answered within the challenge-ACK budget, not every time', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    for (let i = 0; i < 3 * BUDGET; i++) h.recv({ flags: 'A', seq: 1001, ack: iss + 1 + 2 });
    const answers = h.pending();
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.length).toBeLessThanOrEqual(2 * BUDGET); // the budget is drawn in [5, 15]
    for (const a of answers) expect(a).toMatchObject({ flags: 'A', seq: iss + 1, ack: 1001, payload: '' });
    expect(h.stack.counters.get('tcp.challenge-acks-suppressed')).toBe(3 * BUDGET - answers.length);
    expect(h.state(s)).toBe('ESTABLISHED');
    // The connection is unharmed: data in sequence is taken and acknowledged.
    h.skip();
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'ok' });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1003 });
  });

  test('a bare ACK below RCV.NXT is answered within the budget; segments with data still get their ACK each', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcd' });
    h.expectSent({ flags: 'A', ack: 1005 });
    for (let i = 0; i < 3 * BUDGET; i++) h.recv({ flags: 'A', seq: 1003, ack: iss + 1 });
    const answers = h.pending().length;
    h.skip();
    expect(answers).toBeGreaterThan(0);
    expect(answers).toBeLessThanOrEqual(2 * BUDGET);
    // A retransmission of old data (our ACK was lost) is answered every time: the sender needs it.
    for (let i = 0; i < 3 * BUDGET; i++) h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcd' });
    expect(h.pending().length).toBe(3 * BUDGET);
    for (const a of h.pending()) expect(a).toMatchObject({ flags: 'A', ack: 1005 });
  });

  test('the pair case that showed the ACK storm now ends, with every invariant holding after every frame', () => {
    // Frame 5 of the server's stream into the client dropped (destination rewritten), frame 6's
    // sequence number moved to the client's RCV.NXT + 2 (checksums recomputed).
    const input: PairInput = {
      seed: 1,
      hits: [
        { index: 5, frame: { base: 435, mutations: [{ op: 'field', field: 'ip.dst', value: 140 }], fix: true, advanceMs: 0 } },
        { index: 6, frame: { base: 9998, mutations: [{ op: 'near', field: 'seq', delta: 2 }], fix: true, advanceMs: 0 } },
      ],
      length: 3000,
    };
    expect(() => runPair(input)).not.toThrow();
  });
});
