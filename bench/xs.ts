/**
 * XS figures: the same scenario timed on XS and on V8 (ratio XS/V8), and memory per socket
 * measured inside XS. Skipped with a note when the XS host has not been built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { settings } from './harness.js';

const ROOT = process.cwd();
const XS = join(ROOT, 'build', 'xs', 'release', 'xstcp-xs');
const SCENARIO = join(ROOT, 'dist', 'hosts', 'xs', 'ts', 'scenario-entry.js');
const MEMORY = join(ROOT, 'dist', 'hosts', 'xs', 'ts', 'memory-bench.js');
const SHIM = join(ROOT, 'hosts', 'xs', 'node-shim.mjs');

/** Median of the run times the scenario entry reports itself (process start-up excluded). */
function timeRun(command: string, args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(command, args, { encoding: 'utf8' });
    const elapsed = /elapsed ([\d.]+)/.exec(r.stderr ?? '');
    if (r.status !== 0 || elapsed === null) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
    times.push(Number(elapsed[1]));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function runXsBenchmarks(): string[] {
  if (!existsSync(XS) || !existsSync(SCENARIO)) return ['(XS benchmarks skipped: run `npm run build:xs` and `npm run build` first)'];
  const args = [SCENARIO, '--scenario', 'bulk', '--seed', '1', '--trace', '/dev/null', '--time', 'on'];
  const runs = settings.quick ? 1 : 5;
  const v8 = timeRun(process.execPath, [SHIM, ...args], runs);
  const xs = timeRun(XS, args, runs);
  const memory = JSON.parse(spawnSync(XS, [MEMORY, '--sockets', '32'], { encoding: 'utf8' }).stdout.trim().split('\n').pop()!) as Record<string, number>;
  return [
    '| XS benchmark | median | ratio |',
    '|---|---|---|',
    `| two-board scenario, 200 kB per service, on V8 | ${v8.toFixed(0)} ms | (baseline) |`,
    `| same scenario on XS (native checksum) | ${xs.toFixed(0)} ms | ${(xs / v8).toFixed(2)} × V8 |`,
    '',
    '| XS memory (32-socket pool) | bytes |',
    '|---|---|',
    `| per socket in the pool (idle) | ${memory.bytesPerPoolSocket} |`,
    `| per listening socket, beyond the pool | ${memory.bytesPerListeningSocket} |`,
    `| per established connection, one end | ${memory.bytesPerEstablishedConnection} |`,
    `| peak heap of the run | ${memory.peakBytes} |`,
  ];
}
