/**
 * The fuzz targets of fuzz/targets.ts as a short fixed-seed run in `npm test` (the long
 * runs are `npm run fuzz -- --minutes N`; docs/robustness.md). Also checks that the
 * checker itself can fail: a stack whose variables are bent must be reported.
 */
import fc from 'fast-check';
import { interfaceProperty, pairProperty, runInterface, stats, corpus } from '../../fuzz/targets.js';
import { checkStack, coreOf } from '../../fuzz/invariants.js';
import { fixChecksums, fromHex, mutateFrame, toHex } from '../../fuzz/mutate.js';
import { FeedMac } from '../../fuzz/targets.js';
import { serverBoard } from '../../fuzz/session.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import { TcpState } from '../../src/net/tcp/types.js';
import { CNT_TCP_INTERNAL_ERRORS } from '../../src/net/counter-ids.js';

const SEED = 20261202;

describe('fuzzing the frame input path (fixed seed)', () => {
  it('the corpus holds the session: ARP, ICMP and TCP frames both ways', () => {
    const c = corpus();
    const types = new Set(c.toServer.map((f) => (f[12] << 8) | f[13]));
    expect(types).toEqual(new Set([0x0800, 0x0806]));
    // Handshake, request, response, close: delayed and coalesced ACKs leave about 15 each way.
    expect(c.toServer.length).toBeGreaterThan(10);
    expect(c.toClient.length).toBeGreaterThan(10);
  });

  it('one interface receiving mutated frames: nothing throws, every invariant holds after every frame', () => {
    const before = stats.framesRun;
    fc.assert(interfaceProperty(), { seed: SEED, numRuns: 300 });
    expect(stats.framesRun - before).toBeGreaterThan(1000);
  });

  it('a connected pair with the server\'s frames mutated in flight: nothing throws, invariants hold, clean damage never reaches the data', () => {
    fc.assert(pairProperty(), { seed: SEED, numRuns: 25 });
  });

  it('the invariant checker reports a bent sequence space and a swallowed internal error', () => {
    const clock = new VirtualClock(0);
    const board = serverBoard(new FeedMac(), clock, 1);
    expect(checkStack(board.stack)).toEqual([]);
    const s = coreOf(board.stack).sockets[0];
    s.setState(TcpState.Established);
    s.sndUna = 10;
    s.sndNxt = 5;
    s.sndMax = 5;
    expect(checkStack(board.stack).join('\n')).toMatch(/SND.UNA 10 > SND.NXT 5/);
    s.setState(TcpState.Listen);
    board.stack.counters.inc(CNT_TCP_INTERNAL_ERRORS);
    expect(checkStack(board.stack).join('\n')).toMatch(/tcp.internal-errors = 1/);
    board.stop();
  });

  it('mutations recompute checksums so mutated frames get past the checksum tests', () => {
    const base = corpus().toServer.find((f) => f[23] === 6 && f.length > 60)!;
    const out = mutateFrame(base, { base: 0, mutations: [{ op: 'field', field: 'tcp.window', value: 7 }], fix: true, advanceMs: 0 }, undefined);
    const again = out.slice();
    fixChecksums(again);
    expect(toHex(again)).toBe(toHex(out));
    expect(fromHex(toHex(out))).toEqual(out);
    expect(toHex(out)).not.toBe(toHex(base));
  });

  it('replays a fed frame sequence exactly (runs are deterministic)', () => {
    const input = { seed: 3, frames: [{ base: 2, mutations: [{ op: 'sync' as const }], fix: true, advanceMs: 10 }, { base: 5, mutations: [], fix: true, advanceMs: 0 }] };
    expect(runInterface(input)).toEqual(runInterface(input));
  });
});
