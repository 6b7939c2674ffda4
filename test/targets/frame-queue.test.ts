/**
 * The Ethernet core's frame queue and device helpers in C (targets/common), compiled with
 * the host gcc and run: bounds, drop counting, the edge signal, wrap-around, exact bytes,
 * zero-copy forms, and a producer thread against a consumer woken only by the edge
 * (test/targets/frame-queue-test.c prints one line per check).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const COMMON = join(ROOT, 'targets', 'common');

describe('frame queue (C)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xstcp-fq-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles warning-free and passes every check', () => {
    const binary = join(dir, 'frame-queue-test');
    const compile = spawnSync(
      process.env.CC || 'gcc',
      [
        '-std=c99', '-D_POSIX_C_SOURCE=200809L', '-O2', '-Wall', '-Wextra', '-Werror', '-pthread', `-I${COMMON}`,
        join(__dirname, 'frame-queue-test.c'), join(COMMON, 'xstcp_frame_queue.c'), join(COMMON, 'xstcp_ethernet.c'),
        '-o', binary,
      ],
      { encoding: 'utf8' },
    );
    expect(compile.error).toBeUndefined();
    expect(compile.stderr).toBe('');
    expect(compile.status).toBe(0);

    const run = spawnSync(binary, [], { encoding: 'utf8', timeout: 20000 });
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('not ok'))).toEqual([]);
    // Every check of the program ran (a crash part-way would leave fewer).
    expect(lines.filter((l) => l.startsWith('ok ')).length).toBe(49);
    expect(lines).toContain('PASSED');
    expect(run.status).toBe(0);
  });
});
