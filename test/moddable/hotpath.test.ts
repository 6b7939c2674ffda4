/**
 * The hot-path bench on Moddable's XS 17 (moddable/hotpath, release build in mcsim): the
 * app moves the segments it is asked for, and what it moves is exactly what the XS 13.3
 * host moves for the same options (hosts/xs/ts/hotpath-bench.js --measure none: the same
 * scripted transfer, seeded alike, so both engines must end byte for byte the same).
 * Checks behaviour, not cost: `npm run bench` counts the instructions. Needs $MODDABLE
 * (skips with the reason otherwise).
 */
import { join } from 'node:path';
import { findModdableSdk } from '../../hosts/node/board-moddable.js';
import { runModdableHotPath, type ModdableHotPathOptions } from '../../bench/moddable-hotpath.js';
import { DIST_XS, prepareXs, REPO_ROOT, runXs } from '../xs/helpers.js';

const sdk = findModdableSdk();
const MSS = 1460;

function onXsHost(options: ModdableHotPathOptions): Record<string, unknown> {
  const r = runXs(join(DIST_XS, 'hotpath-bench.js'), ['--mode', options.mode, '--segments', String(options.segments), '--warmup', String(options.warmup), '--measure', 'none']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim()) as Record<string, unknown>;
}

if (typeof sdk === 'string') {
  describe('the hot-path bench on the Moddable engine', () => {
    it.skip(`needs a Moddable SDK: ${sdk}`, () => {});
  });
} else describe('the hot-path bench on the Moddable engine', () => {
  beforeAll(() => prepareXs(['release']), 400000);

  it('the receiving board takes every full-size segment into discard, as on the XS host', async () => {
    const options: ModdableHotPathOptions = { mode: 'receive', segments: 30, warmup: 10 };
    const run = await runModdableHotPath(REPO_ROOT, sdk, options, false);
    expect(run.moved).toEqual({ engine: 'moddable', mode: 'receive', segments: 30, bytes: 30 * MSS });
    expect({ ...onXsHost(options), engine: 'moddable' }).toEqual(run.moved);
  }, 1800000);

  it('the sending board serves chargen in full-size segments to the ACKing peer, as on the XS host', async () => {
    const options: ModdableHotPathOptions = { mode: 'send', segments: 30, warmup: 10 };
    const run = await runModdableHotPath(REPO_ROOT, sdk, options, false);
    expect(run.moved.engine).toBe('moddable');
    expect(run.moved.segments).toBeGreaterThanOrEqual(30);
    expect(run.moved.bytes).toBe(run.moved.segments * MSS);
    expect({ ...onXsHost(options), engine: 'moddable' }).toEqual(run.moved);
  }, 1800000);
});
