/**
 * fast-check arbitraries for the two-board runs: link impairments and application plans.
 */
import fc from 'fast-check';
import type { Impairments } from '../../hosts/sim/impairments.js';
import { INFINITE_TIMEOUT } from '../../src/api/tcp.js';
import type { EndpointPlan } from './endpoint.js';
import type { Scenario } from './scenario.js';

/** A probability in [0, max], often exactly 0 so that clean links stay common. */
function probability(max: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: Math.round(max * 1000) }).map((n) => n / 1000) },
  );
}

export function impairments(maxLoss: number): fc.Arbitrary<Impairments> {
  return fc.record({
    loss: probability(maxLoss),
    duplicate: probability(0.1),
    reorder: probability(0.2),
    delayMs: fc.integer({ min: 0, max: 20 }),
    jitterMs: fc.integer({ min: 0, max: 10 }),
    corrupt: probability(0.05),
    bandwidthBps: fc.option(fc.constantFrom(256_000, 1_000_000, 10_000_000), { nil: undefined }),
  }).map((imp) => {
    const out: Impairments = { ...imp };
    if (out.bandwidthBps === undefined) delete out.bandwidthBps;
    return out;
  });
}

/** Transfer sizes 0 B … 300 kB, mostly small so that runs stay fast. */
const transferSize = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 1459, 1460, 1461) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 300_000 }) },
);

export function endpointPlan(): fc.Arbitrary<EndpointPlan> {
  return fc.record({
    total: transferSize,
    mode: fc.constantFrom('simple' as const, 'window' as const, 'buffered' as const),
    chunk: fc.oneof(fc.constantFrom(1, 536, 1400, 1460), fc.integer({ min: 1, max: 3000 })),
    windowBlocks: fc.integer({ min: 2, max: 4 }),
    bufferSize: fc.constantFrom(1000, 2800, 8192),
    rxWindow: fc.constantFrom(0, 2920, 8192, 16384),
    idleTimeoutS: fc.oneof({ weight: 4, arbitrary: fc.constant(INFINITE_TIMEOUT) }, { weight: 1, arbitrary: fc.integer({ min: 3, max: 30 }) }),
    closer: fc.constant(false),
    closeStyle: fc.constantFrom('ack-callback' as const, 'task' as const),
    passiveAnswer: fc.constantFrom('accept' as const, 'half' as const),
  });
}

export type WhoCloses = 'client' | 'server' | 'both' | 'both-at-once' | 'idle';

export function scenario(maxLoss: number): fc.Arbitrary<Scenario> {
  return fc.record({
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    clientLink: impairments(maxLoss),
    serverLink: impairments(maxLoss),
    client: endpointPlan(),
    server: endpointPlan(),
    who: fc.constantFrom<WhoCloses>('client', 'server', 'both', 'both-at-once', 'idle'),
    idleS: fc.integer({ min: 3, max: 20 }),
    serverRelistens: fc.boolean(),
  }).map(({ who, idleS, ...rest }) => {
    // At most ~300 blocks per direction, so that one run stays short in CPU and (with loss) in virtual time.
    const blocks = (p: EndpointPlan) => Math.max(p.chunk, Math.ceil(p.total / 300));
    const client = { ...rest.client, chunk: blocks(rest.client), closer: who === 'client' || who === 'both' };
    const server = { ...rest.server, chunk: blocks(rest.server), closer: who === 'server' || who === 'both' };
    if (who === 'idle') {
      // Nobody closes: the idle timer of at least one side does.
      client.idleTimeoutS = idleS;
    }
    return { ...rest, client, server, closeTogether: who === 'both-at-once' };
  });
}
