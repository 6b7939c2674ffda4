/**
 * The hot path's allocations on the XS host (hosts/xs/ts/hotpath-bench.js), counted with
 * garbage collection off so the figures are exact (two run lengths subtracted, so what a
 * run costs once cancels): in steady state neither board allocates anything per segment —
 * not the interface layer (Ethernet, IPv4, ARP refresh, protocol dispatch), not TCP, not
 * discard or chargen — and each moves every segment it is given.
 */
import { join } from 'node:path';
import { DIST_XS, prepareXs, runXs } from './helpers.js';

const BENCH = join(DIST_XS, 'hotpath-bench.js');

beforeAll(() => prepareXs(['release']), 400000);

function bench(args: string[]): Record<string, number | string> {
  const r = runXs(BENCH, args, { timeoutMs: 120000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim()) as Record<string, number | string>;
}

describe('hot path allocations on XS', () => {
  it('the receiving board allocates no slot and no chunk per segment into discard, nor does its interface layer alone', () => {
    const r = bench(['--mode', 'receive', '--segments', '300', '--warmup', '50']);
    expect(r.segments).toBe(300);
    expect(r.bytes).toBe(300 * 1460);
    expect(r.interfaceSlotsPerFrame).toBe(0);
    expect(r.interfaceChunkBytesPerFrame).toBe(0);
    expect(r.slotsPerSegment).toBe(0);
    expect(r.chunkBytesPerSegment).toBe(0);
  });

  it('the sending board moves full-size chargen segments to an ACKing peer and allocates nothing per segment', () => {
    const r = bench(['--mode', 'send', '--segments', '100', '--warmup', '20']);
    expect(r.segments as number).toBeGreaterThanOrEqual(100);
    expect(r.bytes as number).toBeGreaterThanOrEqual(100 * 1460);
    expect(r.slotsPerSegment).toBe(0);
    expect(r.chunkBytesPerSegment).toBe(0);
  });

  it('rejects bad arguments with exit code 2', () => {
    for (const args of [['--mode', 'sideways'], ['--segments', '0'], ['--warmup', '-1'], ['--measure', 'all']]) {
      const r = runXs(BENCH, args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^hotpath-bench: /);
    }
  });
});
