/**
 * The two-board simulation (hosts/sim/scenario.ts, seed 3, 20 kB per service) on XS 17
 * in Moddable's simulator, with the `creation` of its manifest (moddable/scenario: the
 * simulated LAN hands a frame from one board's output straight to the other's input, so
 * it needs more stack than the library's, which a board on a real MAC fits): every step
 * must pass and the XS stack peak (instrumentation, read through our xsbug listener) must
 * fit the stack the manifest states. Needs $MODDABLE (skips with the reason otherwise).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModdableApp, findModdableSdk, startXvfb, stopChild } from '../../hosts/node/board-moddable.js';
import { XsbugListener } from '../../hosts/node/xsbug-listener.js';
import { REPO_ROOT } from '../interop/helpers.js';

const sdk = findModdableSdk();
const SLOT_BYTES = 32; // sizeof(txSlot) on a 64-bit host

if (typeof sdk === 'string') {
  describe('the two-board simulation on the Moddable engine', () => {
    it.skip(`needs a Moddable SDK: ${sdk}`, () => {});
  });
} else describe('the two-board simulation on the Moddable engine', () => {
  it('passes every step within its manifest\'s creation.stack', async () => {
    const creation = (path: string) => (JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as { creation?: { stack?: number } }).creation?.stack;
    // The app's own creation overrides the included library manifest's (mcconfig merges includes first).
    const stackSlots = creation('moddable/scenario/manifest.json') ?? creation('manifest.json') ?? 0;
    const build = await buildModdableApp(REPO_ROOT, sdk, ['seed=3', 'size=20000'], true, 'moddable/scenario');
    const lines: string[] = [];
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const listener = new XsbugListener({
      onLog: (log) => {
        lines.push(log.text.trimEnd());
        if (/^scenario |XS abort|stack overflow/.test(log.text)) finished();
      },
    });
    const port = await listener.listen();
    const x = await startXvfb();
    const sim = spawn(sdk.mcsim, [build.library], {
      env: { ...process.env, DISPLAY: x.display, XSBUG_HOST: '127.0.0.1', XSBUG_PORT: String(port) },
      stdio: 'ignore',
    });
    const limit = setTimeout(finished, 240000);
    try {
      await done;
      // The simulator samples instrumentation once a second: wait for one after the end.
      const samples = listener.latest;
      for (let i = 0; i < 30 && listener.latest === samples; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      clearTimeout(limit);
      await stopChild(sim);
      await stopChild(x.process);
      listener.close();
    }
    expect(lines.filter((l) => l.startsWith('step ')).length).toBeGreaterThanOrEqual(5);
    expect(lines.filter((l) => l.startsWith('step ') && !l.includes(' ok '))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^scenario ok seed 3 size 20000/);
    const stackPeak = listener.peaks.get('Stack used') ?? 0;
    expect(listener.peaks.get('Stack available')).toBe(stackSlots * SLOT_BYTES);
    expect(stackPeak).toBeGreaterThan(0);
    expect(stackPeak).toBeLessThanOrEqual(stackSlots * SLOT_BYTES);
    console.log(`moddable scenario: stack peak ${stackPeak / SLOT_BYTES} of ${stackSlots} slots, chunks ${listener.peaks.get('Chunk used')} bytes, slots ${listener.peaks.get('Slot used')} bytes`);
  }, 1800000);
});
