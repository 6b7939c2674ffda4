/** The two-board scenario: every transfer byte-exact under impairments, and deterministic per seed. */
import { runScenario } from '../../hosts/sim/scenario.js';
import { readPcap } from '../../hosts/common/pcap.js';

describe('two-board scenario on the simulated LAN', () => {
  it.each([1, 2, 3])('seed %i: HTTP, echo, discard and chargen all complete byte-exact with loss, duplication and reordering', (seed) => {
    const r = runScenario({ seed, size: 30_000 });
    expect(r.steps.filter((s) => !s.ok)).toEqual([]);
    expect(r.steps.map((s) => s.name)).toEqual(['GET /', 'GET /bytes/30000', 'echo 30000', 'discard 30000', 'chargen 30000']);
    expect(readPcap(r.pcap).length).toBeGreaterThan(100);
  });

  it('is deterministic: the same seed gives the same capture and traces, another seed differs', () => {
    const a = runScenario({ seed: 9, size: 20_000 });
    const b = runScenario({ seed: 9, size: 20_000 });
    const c = runScenario({ seed: 10, size: 20_000 });
    expect(a.pcap).toEqual(b.pcap);
    expect(a.trace).toEqual(b.trace);
    expect(a.pcap).not.toEqual(c.pcap);
  });

  it('ends with every connection closed: the traces end each server connection with TCP_EVENT_CLOSED or ABORT', () => {
    const r = runScenario({ seed: 4, size: 20_000 });
    const opened = r.trace.filter((l) => l.includes('"event":"TCP_EVENT_CONNECTED"')).length;
    const ended = r.trace.filter((l) => /"event":"TCP_EVENT_(CLOSED|ABORT)"/.test(l)).length;
    expect(opened).toBe(10); // five connections, seen from both boards
    expect(ended).toBeGreaterThanOrEqual(opened);
  });
});
