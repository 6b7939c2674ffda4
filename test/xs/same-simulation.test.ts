/**
 * The same compiled simulation on V8 and on XS: dist/hosts/xs/ts/scenario-entry.js runs
 * a scenario with a seed on the XS host (native checksum installed) and on Node (the
 * stack's JavaScript checksum); the pcap bytes and the trace lines must be identical.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_XS, runNodeShim, runXs, useXsFixtures } from './helpers.js';

const ENTRY = join(DIST_XS, 'scenario-entry.js');
const PCAP_HEADER = 24;

interface Output {
  pcap: Uint8Array;
  trace: string;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('one simulation, two engines', () => {
  const files = useXsFixtures();

  function run(engine: 'xs' | 'v8', scenario: string, seed: number): Output {
    const pcap = files.path(`${engine}-${scenario}-${seed}.pcap`);
    const trace = files.path(`${engine}-${scenario}-${seed}.txt`);
    const args = ['--scenario', scenario, '--seed', String(seed), '--pcap', pcap, '--trace', trace];
    const result = engine === 'xs' ? runXs(ENTRY, args) : runNodeShim(ENTRY, args);
    expect({ engine, status: result.status, stderr: result.stderr }).toEqual({ engine, status: 0, stderr: '' });
    return { pcap: new Uint8Array(readFileSync(pcap)), trace: readFileSync(trace, 'utf8') };
  }

  const cases: [string, number, string][] = [
    ['demo', 1, 'reply from 198.18.0.2'],
    ['demo', 5, 'reply from 198.18.0.2'],
    ['tcp', 1, '"event":"TCP_EVENT_CLOSED"'],
    ['tcp', 2, '"event":"TCP_EVENT_CLOSED"'],
    ['tcp', 7, '"event":"TCP_EVENT_CLOSED"'],
    ['tcp', 1234567, '"event":"TCP_EVENT_CLOSED"'],
  ];

  it.each(cases)('%s with seed %d: identical pcap and trace', (scenario, seed, expected) => {
    const xs = run('xs', scenario, seed);
    const v8 = run('v8', scenario, seed);
    // Something really happened: frames were captured and the trace shows the traffic.
    expect(xs.pcap.length).toBeGreaterThan(PCAP_HEADER + 10 * 60);
    expect(xs.trace).toContain(expected);
    expect(xs.pcap.length).toBe(v8.pcap.length);
    expect(sameBytes(xs.pcap, v8.pcap)).toBe(true);
    expect(xs.trace).toBe(v8.trace);
  });

  it('the seed matters (different seeds give different captures)', () => {
    const a = run('xs', 'tcp', 3);
    const b = run('xs', 'tcp', 4);
    expect(sameBytes(a.pcap, b.pcap)).toBe(false);
  });

  it('rejects an unknown scenario with exit code 2 on both engines', () => {
    const xs = runXs(ENTRY, ['--scenario', 'nope']);
    const v8 = runNodeShim(ENTRY, ['--scenario', 'nope']);
    expect(xs.status).toBe(2);
    expect(v8.status).toBe(2);
    expect(xs.stderr).toContain("unknown scenario 'nope'");
  });
});
