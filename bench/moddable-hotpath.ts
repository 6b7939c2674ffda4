/**
 * The hot-path bench on Moddable's XS 17 (moddable/hotpath: the XS host's scripted
 * transfer, built release with $MODDABLE's mcconfig for `lin` and run in mcsim under a
 * private Xvfb), optionally under `valgrind --tool=callgrind` counting only inside the
 * app's native marker around the measured run (start-up, warm-up and the simulator's
 * own loop are not collected). Used by bench/xs-hotpath.ts and test/moddable/hotpath.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModdableApp, startXvfb, stopChild, type ModdableSdk } from '../hosts/node/board-moddable.js';

export interface ModdableHotPathOptions {
  mode: 'receive' | 'send';
  segments: number;
  warmup: number;
}

export interface ModdableHotPathRun {
  /** What the app reported: engine 'moddable', mode, segments and payload bytes moved. */
  moved: { engine: string; mode: string; segments: number; bytes: number };
  /** x86 instructions inside the measured run (callgrind only). */
  instructions?: number;
  /** Seconds the app's build took (0 when cached). */
  buildSeconds: number;
}

/** The native function whose calls callgrind counts (moddable/hotpath/measured.c). */
const MARKER = 'xs_xstcp_hotpath_measured';

/** Builds (or takes from the cache) the app for `options` and runs it once; throws with the app's output when it fails. */
export async function runModdableHotPath(root: string, sdk: ModdableSdk, options: ModdableHotPathOptions, callgrind: boolean, timeoutMs = 600000): Promise<ModdableHotPathRun> {
  const config = [`mode=${options.mode}`, `segments=${options.segments}`, `warmup=${options.warmup}`];
  const build = await buildModdableApp(root, sdk, config, false, 'moddable/hotpath');
  const dir = mkdtempSync(join(tmpdir(), 'xstcp-moddable-hotpath-'));
  const profile = join(dir, 'callgrind.out');
  const x = await startXvfb();
  try {
    const valgrind = ['valgrind', '--tool=callgrind', '--collect-atstart=no', `--toggle-collect=${MARKER}`, `--callgrind-out-file=${profile}`];
    // Line-buffered, so that an abort's message arrives while the simulator idles on.
    const args = ['-oL', ...(callgrind ? valgrind : []), sdk.mcsim, build.library];
    const sim = spawn('stdbuf', args, { env: { ...process.env, MODDABLE: sdk.root, DISPLAY: x.display }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    sim.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      // A dead machine leaves the simulator idling: end it now rather than at the time limit.
      if (stdout.includes('XS abort')) void stopChild(sim);
    });
    sim.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000);
    });
    const limit = setTimeout(() => void stopChild(sim), timeoutMs);
    const code = await new Promise<number | null>((resolve) => {
      sim.once('error', () => resolve(null));
      sim.once('close', (c) => resolve(c));
    });
    clearTimeout(limit);
    const line = stdout.split('\n').find((l) => l.startsWith('{'));
    if (code !== 0 || line === undefined) {
      throw new Error(`the hot-path app (${config.join(' ')}) ended with ${code}:\n${stdout.trim()}\n${stderr.trim()}`);
    }
    const run: ModdableHotPathRun = { moved: JSON.parse(line) as ModdableHotPathRun['moved'], buildSeconds: build.seconds };
    if (callgrind) {
      const totals = existsSync(profile) ? /^totals: (\d+)/m.exec(readFileSync(profile, 'utf8')) : null;
      if (totals === null) throw new Error(`callgrind wrote no totals for the hot-path app (${config.join(' ')}): ${stderr.trim()}`);
      run.instructions = Number(totals[1]);
    }
    return run;
  } finally {
    await stopChild(x.process);
    rmSync(dir, { recursive: true, force: true });
  }
}
