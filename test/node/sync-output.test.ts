/**
 * Issue 11 item 5: the Node board writes its trace like the XS host, synchronously, so a
 * reader that stops reading makes the board wait instead of growing a queue in memory.
 * A child process writes 20 MB of trace-sized lines through syncLineWriter into a pipe
 * this process does not read for a second; Node's own process.stdout would queue them all
 * (the control case, which shows the check can fail).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers.js';

const LINES = 20_000;
const LINE = `{"t":1,"socket":3,"event":"TCP_EVENT_DATA","state":"ESTABLISHED","pad":"${'x'.repeat(900)}"}`;

/** Runs the writer in a child; returns the bytes received in order and the most the child ever had queued. */
function run(writer: 'sync' | 'node'): Promise<{ lines: number; intact: boolean; maxQueued: number; status: number | null }> {
  const module = join(REPO_ROOT, 'dist', 'hosts', 'node', 'sync-output.js');
  const script = `
    const { syncLineWriter } = require(${JSON.stringify(module)});
    const line = ${JSON.stringify(LINE)};
    const write = ${writer === 'sync' ? 'syncLineWriter(1)' : "(l) => process.stdout.write(l + '\\n')"};
    let maxQueued = 0;
    for (let i = 0; i < ${LINES}; i++) {
      write(line);
      maxQueued = Math.max(maxQueued, process.stdout.writableLength);
    }
    process.stderr.write(String(maxQueued));`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let intact = true;
    let rest = '';
    let err = '';
    child.stdout!.pause();
    setTimeout(() => child.stdout!.resume(), 1000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const parts = (rest + d).split('\n');
      rest = parts.pop()!;
      for (const p of parts) {
        lines++;
        if (p !== LINE) intact = false;
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ lines, intact: intact && rest === '', maxQueued: Number(err), status });
    });
  });
}

test('syncLineWriter never queues: the writer waits for a reader that pauses, and every line arrives intact', async () => {
  expect(await run('sync')).toEqual({ lines: LINES, intact: true, maxQueued: 0, status: 0 });
}, 70000);

test("control: Node's process.stdout queues megabytes for the same reader", async () => {
  const r = await run('node');
  expect(r.lines).toBe(LINES);
  expect(r.maxQueued).toBeGreaterThan(1 << 20);
}, 70000);
