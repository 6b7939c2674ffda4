/**
 * The XS host's standard output never stalls its event loop: with a reader that does not
 * read, timers keep firing; everything written arrives once the reader catches up; a
 * reader falling more than 4 MiB behind loses output, reported at exit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareXs, xsBinary } from './helpers.js';

beforeAll(() => prepareXs(['release']), 300_000);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xstcp-xs-output-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `lines` lines of 100 bytes at once, then reports on stderr from a timer. */
function entry(lines: number): string {
  const file = join(dir, 'writer.js');
  writeFileSync(file, `import Timer from "timer";
const line = "x".repeat(99) + "\\n";
for (let i = 0; i < ${lines}; i++) xsHost.write(line);
Timer.set(() => xsHost.writeError("timer ran\\n"), 50);
`);
  return file;
}

function run(lines: number, readAfter: (stderr: () => string) => boolean) {
  return new Promise<{ stdout: number; stderr: string; code: number | null }>((resolve) => {
    const child = spawn(xsBinary('release'), [entry(lines)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = 0;
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (readAfter(() => stderr)) child.stdout!.resume();
    });
    child.stdout!.pause();
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.length;
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('close', (code) => {
      clearTimeout(limit);
      resolve({ stdout, stderr, code });
    });
  });
}

test('timers run while nobody reads standard output, and all of it arrives afterwards', async () => {
  // 1 MB: far more than a pipe holds, less than the 4 MiB the host keeps.
  const r = await run(10_000, (stderr) => stderr().includes('timer ran'));
  expect(r.stderr).toContain('timer ran');
  expect(r.stdout).toBe(10_000 * 100);
  expect(r.code).toBe(0);
  expect(r.stderr).not.toContain('dropped');
}, 30_000);

test('a reader more than 4 MiB behind loses output, and the host says so at exit', async () => {
  const r = await run(60_000, (stderr) => stderr().includes('timer ran'));
  expect(r.stdout).toBeLessThan(60_000 * 100);
  expect(r.stdout).toBeGreaterThanOrEqual(4 * 1024 * 1024);
  expect(r.stderr).toMatch(/bytes of standard output were dropped/);
  expect(r.code).toBe(0);
}, 30_000);
