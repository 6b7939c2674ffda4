/**
 * Simulation scenarios that must give the same bytes on every engine: each takes a seed
 * and a line printer and returns its pcap capture. Engine-neutral (virtual clock, seeded
 * randomness, no host APIs). Add a scenario here and `scenario-entry` runs it on XS and
 * on Node; test/xs/same-simulation.test.ts compares the two.
 */
import { runSimDemo } from '../../sim/demo.js';
import { runScenario } from '../../sim/scenario.js';

export type Scenario = (seed: number, print: (line: string) => void) => Uint8Array;

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  /** Two boards on a lossy simulated LAN: ARP, ten pings, counters. */
  demo: (seed, print) => runSimDemo({ seed, print }).pcap,
  /**
   * hosts/sim/scenario.ts: a board with HTTP, echo, discard and chargen, a client board
   * using each with closes, on a LAN with loss, duplication and reordering. Small
   * transfers: XS interprets every byte loop.
   */
  tcp: (seed, print) => {
    const result = runScenario({ seed, size: 8000 });
    for (const step of result.steps) print(`step ${step.name} ${step.ok ? 'ok' : `FAILED ${step.detail}`} ${step.bytes} bytes ${step.ms} ms`);
    for (const line of result.trace) print(line);
    return result.pcap;
  },
  /** The same with 200 kB transfers on a clean LAN: the benchmarks' CPU comparison. */
  bulk: (seed, print) => bulk(seed, print, 200_000),
  /** Twice as much: bench/callgrind.ts subtracts `bulk` from it, so start-up cancels. */
  bulk2x: (seed, print) => bulk(seed, print, 400_000),
};

function bulk(seed: number, print: (line: string) => void, size: number): Uint8Array {
  const result = runScenario({ seed, size, impairments: {} });
  for (const step of result.steps) print(`step ${step.name} ${step.ok ? 'ok' : `FAILED ${step.detail}`} ${step.bytes} bytes ${step.ms} ms`);
  return result.pcap;
}

export function scenarioNames(): string[] {
  return Object.keys(SCENARIOS);
}
