/**
 * One board's hot path on the XS host per full-size segment (hosts/xs/ts/hotpath-bench.js,
 * a board against a scripted peer that does almost nothing per segment):
 *   - allocations: slots and chunk bytes, counted exactly with collection off;
 *   - x86 instructions: `valgrind --tool=callgrind` at two transfer sizes, subtracted so
 *     that start-up and connection set-up cancel (skipped with --quick or without valgrind);
 *   - the same instructions on Moddable's XS 17 where $MODDABLE names an SDK
 *     (bench/moddable-hotpath.ts: the same transfer in mcsim, same warm-up and sizes).
 * Receiving board: data into discard; sending board: chargen to an ACKing peer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findModdableSdk } from '../hosts/node/board-moddable.js';
import { settings } from './harness.js';
import { runModdableHotPath } from './moddable-hotpath.js';

const ROOT = process.cwd();
const XS = join(ROOT, 'build', 'xs', 'release', 'xstcp-xs');
const ENTRY = join(ROOT, 'dist', 'hosts', 'xs', 'ts', 'hotpath-bench.js');
const MODES = ['receive', 'send'] as const;
/** The two sizes callgrind runs (segments after a WARMUP-segment warm-up). */
const SMALL = 200;
const LARGE = 1000;
/** hotpath-bench's default warm-up, which the XS host's callgrind runs use. */
const WARMUP = 200;

export interface HotPathFigures {
  mode: (typeof MODES)[number];
  slotsPerSegment: number;
  chunkBytesPerSegment: number;
  /** Interface layer alone (receive only). */
  interfaceSlotsPerFrame?: number;
  interfaceChunkBytesPerFrame?: number;
  /** Undefined when callgrind did not run. */
  instructionsPerSegment?: number;
  /** The same on Moddable's XS 17 (release, mcsim); undefined when not measured. */
  xs17InstructionsPerSegment?: number;
  /** Why XS 17 was not measured. */
  xs17Skipped?: string;
}

function hotpath(args: string[]): Record<string, number> {
  const r = spawnSync(XS, [ENTRY, ...args], { encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`hotpath-bench ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as Record<string, number>;
}

function valgrindAvailable(): boolean {
  return spawnSync('valgrind', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Total instructions callgrind counts for one run of `segments` segments. */
function instructions(dir: string, mode: string, segments: number): number {
  const out = join(dir, `${mode}.${segments}.callgrind`);
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, XS, ENTRY, '--mode', mode, '--segments', String(segments), '--measure', 'none'], {
    encoding: 'utf8', timeout: 300000,
  });
  if (r.status !== 0) throw new Error(`callgrind ${mode} ${segments} failed: ${r.stderr.slice(-500)}`);
  const totals = /^totals: (\d+)/m.exec(readFileSync(out, 'utf8'));
  if (totals === null) throw new Error(`callgrind ${mode} ${segments}: no totals line`);
  return Number(totals[1]);
}

export function measureXsHotPath(): HotPathFigures[] | string {
  if (!existsSync(XS) || !existsSync(ENTRY)) return 'XS hot path skipped: run `npm run build:xs` and `npm run build` first';
  const callgrind = !settings.quick && valgrindAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'xstcp-bench-'));
  try {
    return MODES.map((mode) => {
      const a = hotpath(['--mode', mode, '--segments', '300']);
      const figures: HotPathFigures = { mode, slotsPerSegment: a.slotsPerSegment, chunkBytesPerSegment: a.chunkBytesPerSegment };
      if (a.interfaceSlotsPerFrame !== undefined) {
        figures.interfaceSlotsPerFrame = a.interfaceSlotsPerFrame;
        figures.interfaceChunkBytesPerFrame = a.interfaceChunkBytesPerFrame;
      }
      if (callgrind) {
        figures.instructionsPerSegment = Math.round((instructions(dir, mode, LARGE) - instructions(dir, mode, SMALL)) / (LARGE - SMALL));
      }
      return figures;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Adds XS 17's instructions per segment (full runs, valgrind and $MODDABLE present):
 * instructions inside the measured run at LARGE and SMALL segments, subtracted, as on
 * the XS host. Otherwise each figure says why not.
 */
export async function withXs17(figures: HotPathFigures[] | string): Promise<HotPathFigures[] | string> {
  if (typeof figures === 'string') return figures;
  const sdk = findModdableSdk();
  let skipped: string | undefined;
  if (settings.quick) skipped = 'only without --quick';
  else if (!valgrindAvailable()) skipped = 'valgrind is not installed';
  else if (typeof sdk === 'string') skipped = sdk;
  if (skipped !== undefined || typeof sdk === 'string') return figures.map((f) => ({ ...f, xs17Skipped: skipped }));
  const measured: HotPathFigures[] = [];
  try {
    for (const f of figures) {
      const count = async (segments: number) => {
        const run = await runModdableHotPath(ROOT, sdk, { mode: f.mode, segments, warmup: WARMUP }, true);
        if (run.instructions === undefined) throw new Error('callgrind counted nothing');
        return run.instructions;
      };
      const large = await count(LARGE);
      const small = await count(SMALL);
      measured.push({ ...f, xs17InstructionsPerSegment: Math.round((large - small) / (LARGE - SMALL)) });
    }
  } catch (error) {
    // The other engines' figures still count: the table and results.json say what failed.
    const why = `XS 17 run failed: ${(error as Error).message.split('\n')[0]}`;
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    return figures.map((f) => ({ ...f, xs17Skipped: why }));
  }
  return measured;
}

export function xsHotPathTable(figures: HotPathFigures[] | string): string[] {
  if (typeof figures === 'string') return [`(${figures})`];
  const board = (f: HotPathFigures) => (f.mode === 'receive' ? 'receiving board (into discard)' : 'sending board (chargen)');
  const lines = [
    '| XS hot path, per full-size segment | slots allocated | chunk bytes allocated | x86 instructions, XS 13.3 host | x86 instructions, XS 17 (Moddable, mcsim) |',
    '|---|---|---|---|---|',
  ];
  for (const f of figures) {
    const ir = f.instructionsPerSegment === undefined ? '(callgrind not run)' : f.instructionsPerSegment.toLocaleString('en-US');
    const xs17 = f.xs17InstructionsPerSegment === undefined ? `(${f.xs17Skipped ?? 'not run'})` : f.xs17InstructionsPerSegment.toLocaleString('en-US');
    lines.push(`| ${board(f)} | ${f.slotsPerSegment} | ${f.chunkBytesPerSegment} | ${ir} | ${xs17} |`);
    if (f.interfaceSlotsPerFrame !== undefined) {
      lines.push(`| of which the interface layer (Ethernet, IPv4, ARP refresh) | ${f.interfaceSlotsPerFrame} | ${f.interfaceChunkBytesPerFrame} | | |`);
    }
  }
  return lines;
}
