/**
 * The interop tests again with every board as firmware on an emulated Cortex-M7 board
 * (`xstcp board --engine qemu`: the mps2-an500 image in qemu-system-arm on the
 * namespace's TAP device): the same files, registered inside this block with
 * XSTCP_INTEROP_ENGINE=qemu. The image is built first (cached by content). Left out, as
 * for XS: connect.test.ts (a Node fixture, not the CLI) and cli.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { withBuildLock } from '../support/build-lock.js';
import { describeIf, interopNamespace, REPO_ROOT, startBoard, useInteropLifecycle } from './helpers.js';

process.env.XSTCP_INTEROP_ENGINE = 'qemu';
/**
 * The board runs with its malloc heap capped (README "Firmware"): 576 KiB, as its peak grew
 * to about 540 KiB (at 512 the status page after the 50 MiB transfers went unanswered).
 */
process.env.XSTCP_FW_HEAP_KB = process.env.XSTCP_FW_HEAP_KB ?? '576';

/** True when the board program's tsc output is missing or older than a source of it. */
function firmwareJsStale(): boolean {
  const output = join(REPO_ROOT, 'dist', 'targets', 'firmware', 'ts', 'board-firmware.js');
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  const dir = join(REPO_ROOT, 'targets', 'firmware', 'ts');
  return readdirSync(dir).some((f) => f.endsWith('.ts') && statSync(join(dir, f)).mtimeMs > built);
}

function firmwareMissingReason(): string | undefined {
  for (const [tool, pkg] of [['qemu-system-arm', 'qemu-system-arm'], ['arm-none-eabi-gcc', 'gcc-arm-none-eabi libnewlib-arm-none-eabi']]) {
    const probe = spawnSync(tool, ['--version'], { stdio: 'ignore', timeout: 10000 });
    if (probe.error !== undefined || probe.status !== 0) return `${tool} is missing (apt-get install ${pkg})`;
  }
  return undefined;
}

/**
 * Boots the image without a network, sends `cpu` `count` times, each after the previous
 * answer, then `stop`; how many answers came and the exit code. A wait of 10 s for an
 * answer ends the run (QEMU killed, exit code null).
 */
function consoleRoundTrips(count: number): Promise<{ replies: number; exitCode: number | null }> {
  const image = join(REPO_ROOT, 'build', 'fw', 'mps2-an500', 'xstcp-fw.elf');
  const semihosting = ['enable=on', 'target=native', 'arg=xstcp-fw', 'arg=--seed', 'arg=0123456789abcdef', 'arg=--',
    'arg=--ip', 'arg=198.18.0.2/24', 'arg=--mac', 'arg=02:00:00:00:00:02', 'arg=--app', 'arg=echo'].join(',');
  const child = spawn('qemu-system-arm', ['-M', 'mps2-an500', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
    '-kernel', image, '-semihosting-config', semihosting, '-nic', 'none'], { stdio: ['pipe', 'pipe', 'ignore'] });
  let replies = 0;
  let sent = 0;
  let partial = '';
  let stall: ReturnType<typeof setTimeout> | undefined;
  const next = () => {
    clearTimeout(stall);
    stall = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.stdin!.write(sent++ < count ? 'cpu\n' : 'stop\n');
  };
  child.stdin!.on('error', () => {});
  child.stdout!.setEncoding('latin1').on('data', (chunk: string) => {
    partial += chunk;
    let newline: number;
    while ((newline = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      if (line === 'ready') next();
      else if (line.startsWith('xstcp: cpu:')) {
        replies++;
        next();
      }
    }
  });
  return new Promise((resolve) => child.once('exit', (exitCode) => {
    clearTimeout(stall);
    resolve({ replies, exitCode });
  }));
}

describeIf(firmwareMissingReason(), 'on the firmware in QEMU', () => {
  beforeAll(() => {
    withBuildLock(() => {
      // npm test has built it; compiling again would rewrite dist/src under the other suites' boards.
      if (firmwareJsStale()) {
        const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
        spawnSync(process.execPath, [tsc, '-p', join('targets', 'firmware', 'tsconfig.json')], { cwd: REPO_ROOT, timeout: 180000 });
      }
      const build = spawnSync(process.execPath, [join(REPO_ROOT, 'targets', 'firmware', 'build.mjs'), '--quiet'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 400000 });
      if (build.status !== 0) throw new Error(`building the firmware image failed: ${build.stderr || build.error?.message}`);
    }, 600000);
  }, 600000);

  describe('the qemu engine\'s own contract', () => {
    const { namespaces, track } = useInteropLifecycle();

    it('prints its memory figures, stops on SIGINT with exit code 0, and leaves no QEMU behind', async () => {
      const netns = interopNamespace(namespaces, 'sigint');
      const board = track(await startBoard(netns, ['--app', 'http,echo,discard,chargen', '--memory']));
      expect(board.stderr).toMatch(/xstcp: memory after start: chunks \d+ bytes \(peak \d+\), slots \d+ x 16 bytes \(peak \d+\), heap \d+ of \d+ bytes/);
      board.child.kill('SIGINT');
      const exit = await board.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(board.stderr).toMatch(/xstcp: memory at stop: /);
      // The board ran in a process group of its own (QEMU included): nothing of it is left.
      expect(() => process.kill(-board.child.pid!, 0)).toThrow(/ESRCH/);
    }, 120000);

    it('answers 6,000 console commands in a row, then stops (a lost UART interrupt made the console deaf)', async () => {
      const result = await consoleRoundTrips(6000);
      expect(result).toEqual({ replies: 6000, exitCode: 0 });
    }, 120000);

    it('refuses a heap cap that is not a size (XSTCP_FW_HEAP_KB) with exit code 2', () => {
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'xstcp.js'), 'board', '--engine', 'qemu', '--tap', 'xi0', '--ip', '198.18.0.2/24'],
        { encoding: 'utf8', timeout: 30000, env: { ...process.env, XSTCP_FW_HEAP_KB: '512k' } });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("XSTCP_FW_HEAP_KB must be a whole number of KiB from 64 to 4096, not '512k'");
    });

    it('refuses --xsbug with exit code 2', () => {
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'xstcp.js'), 'board', '--engine', 'qemu', '--tap', 'xi0', '--ip', '198.18.0.2/24', '--xsbug', '127.0.0.1'], { encoding: 'utf8', timeout: 30000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('--xsbug works with --engine xs or moddable only');
    });
  });

  require('./http.test');
  require('./close.test');
  require('./services.test');
});
