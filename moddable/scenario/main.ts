/**
 * The deterministic two-board scenario of hosts/sim/scenario.ts (two stacks on the
 * simulated LAN with seeded impairments: HTTP, echo, discard, chargen, closes from both
 * sides) run on XS 17 in Moddable's simulator. It measures how deep the call chains go
 * when frames pass from one board into the other (README "Moddable"). Config: seed,
 * size (bytes per transfer). One trace line per step, then `scenario ok` or `scenario failed`.
 */
import config from 'mc/config';
import { runScenario } from 'xstcp/hosts/sim/scenario';

const seed = Number(config.seed ?? 3);
const size = Number(config.size ?? 20000);
const result = runScenario({ seed, size });
for (const step of result.steps) trace(`step ${step.name} ${step.ok ? 'ok' : 'FAILED'} ${step.bytes} bytes ${step.ms} ms${step.detail ? ` ${step.detail}` : ''}\n`);
trace(`scenario ${result.steps.length > 0 && result.steps.every((s) => s.ok) ? 'ok' : 'failed'} seed ${seed} size ${size} end ${result.endMs} ms\n`);
