/**
 * Support for the XS host tests: building the host binaries and the JavaScript they load
 * (once per worker, under the same lock the Node host tests use for dist/), and running
 * the host or the Node shim on an entry module.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { withBuildLock } from '../support/build-lock.js';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const DIST_XS = join(REPO_ROOT, 'dist', 'hosts', 'xs', 'ts');
export const NODE_SHIM = join(REPO_ROOT, 'hosts', 'xs', 'node-shim.mjs');

export type Goal = 'release' | 'debug';

export function xsBinary(goal: Goal = 'release'): string {
  return join(REPO_ROOT, 'build', 'xs', goal, 'xstcp-xs');
}

/** Absolute path of a compiled module under dist/ (for imports from temporary fixtures). */
export function distModule(relative: string): string {
  return join(REPO_ROOT, 'dist', relative);
}



const prepared = new Set<string>();

/**
 * Builds the host binaries named (cached by hosts/xs/build.mjs: seconds when nothing
 * changed, about 30-45 s per goal from scratch) and compiles hosts/xs/ts with the
 * sources it imports into dist/. Throws with the build's message on failure.
 */
export function prepareXs(goals: Goal[] = ['release']): void {
  const missing = goals.filter((g) => !prepared.has(g));
  const needJs = !prepared.has('js');
  if (missing.length === 0 && !needJs) return;
  withBuildLock(() => {
    for (const goal of missing) {
      const build = spawnSync(process.execPath, [join(REPO_ROOT, 'hosts', 'xs', 'build.mjs'), goal, '--quiet'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 300000,
      });
      if (build.status !== 0) throw new Error(`building the XS host (${goal}) failed: ${build.stderr || build.error?.message}`);
      prepared.add(goal);
    }
    if (needJs) {
      const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const compile = spawnSync(process.execPath, [tsc, '-p', join('hosts', 'xs', 'tsconfig.json')], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180000 });
      if (!existsSync(join(DIST_XS, 'scenario-entry.js'))) throw new Error(`tsc -p hosts/xs/tsconfig.json produced nothing: ${compile.stdout}${compile.stderr}`);
      prepared.add('js');
    }
  });
}

export interface RunOptions {
  goal?: Goal;
  /** Options for the host itself (before the entry): --memory, --xsbug H:P, --modules DIR. */
  hostOptions?: string[];
  timeoutMs?: number;
  cwd?: string;
}

/** Runs `xstcp-xs [hostOptions] entry args...` to completion. */
export function runXs(entry: string, args: string[] = [], options: RunOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(xsBinary(options.goal), [...(options.hostOptions ?? []), entry, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60000,
  });
}

/** Runs the same entry on Node through hosts/xs/node-shim.mjs. */
export function runNodeShim(entry: string, args: string[] = [], timeoutMs = 60000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [NODE_SHIM, entry, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs });
}

/** A temporary directory of fixture files, made on first use and removed by `remove()`. */
export class Fixtures {
  private made: string | undefined = undefined;

  get dir(): string {
    if (this.made === undefined) this.made = mkdtempSync(join(tmpdir(), 'xstcp-xs-test-'));
    return this.made;
  }

  write(name: string, text: string): string {
    const path = join(this.dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  remove(): void {
    if (this.made !== undefined) rmSync(this.made, { recursive: true, force: true });
    this.made = undefined;
  }
}

/**
 * For a suite that runs the XS host: builds it (`goals`) before the suite's tests and
 * gives them a fixture directory, removed after them.
 */
export function useXsFixtures(goals: Goal[] = ['release'], timeoutMs = 400000): Fixtures {
  const files = new Fixtures();
  beforeAll(() => prepareXs(goals), timeoutMs);
  afterAll(() => files.remove());
  return files;
}
