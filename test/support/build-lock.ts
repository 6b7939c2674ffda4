/**
 * One lock for every test file that (re)builds dist/ or the XS host on demand, so parallel
 * jest workers never write the same output at once. `npm test` builds first; the lock only
 * matters when suites run on their own.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
const LOCK = join(REPO_ROOT, 'dist', '.node-tests-build.lock');
/** A lock older than the longest build belongs to a run that was killed. */
const STALE_MS = 400_000;

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding the build lock; waits up to `waitMs` for another worker's build. */
export function withBuildLock<T>(fn: () => T, waitMs = 400_000): T {
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`could not take ${LOCK}`);
      sleepSync(200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
