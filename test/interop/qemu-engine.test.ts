/**
 * The interop tests again with every board as firmware on an emulated Cortex-M7 board
 * (`xstcp board --engine qemu`: the mps2-an500 image in qemu-system-arm on the
 * namespace's TAP device): the same files, registered inside this block with
 * XSTCP_INTEROP_ENGINE=qemu. The image is built first (cached by content). Left out, as
 * for XS: connect.test.ts (a Node fixture, not the CLI) and cli.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { withBuildLock } from '../support/build-lock.js';
import { describeIf, REPO_ROOT } from './helpers.js';

process.env.XSTCP_INTEROP_ENGINE = 'qemu';

function firmwareMissingReason(): string | undefined {
  for (const [tool, pkg] of [['qemu-system-arm', 'qemu-system-arm'], ['arm-none-eabi-gcc', 'gcc-arm-none-eabi libnewlib-arm-none-eabi']]) {
    const probe = spawnSync(tool, ['--version'], { stdio: 'ignore', timeout: 10000 });
    if (probe.error !== undefined || probe.status !== 0) return `${tool} is missing (apt-get install ${pkg})`;
  }
  return undefined;
}

describeIf(firmwareMissingReason(), 'on the firmware in QEMU', () => {
  beforeAll(() => {
    withBuildLock(() => {
      const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      spawnSync(process.execPath, [tsc, '-p', join('targets', 'firmware', 'tsconfig.json')], { cwd: REPO_ROOT, timeout: 180000 });
      const build = spawnSync(process.execPath, [join(REPO_ROOT, 'targets', 'firmware', 'build.mjs'), '--quiet'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 400000 });
      if (build.status !== 0) throw new Error(`building the firmware image failed: ${build.stderr || build.error?.message}`);
    }, 600000);
  }, 600000);

  require('./http.test');
  require('./close.test');
  require('./services.test');
});
