/**
 * The STM32F7 Ethernet driver (targets/stm32/ethernet_stm32.c) against a model of its
 * hardware: test/targets/stm32-ethernet-host.c maps the peripheral registers into a Linux
 * process, plays the DMA engine and the LAN8742A on MDIO, and checks open (clocks, RMII
 * pins, MAC filter, rings), receive into the frame queue (exact bytes, the edge signal,
 * ring wrap, bursts, errors and drops), transmit, link changes and close. Compiled with
 * the host gcc, unchanged driver source; each check is one test here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const SOURCES = [
  'test/targets/stm32-ethernet-host.c',
  'targets/stm32/ethernet_stm32.c',
  'targets/stm32/stm32_gpio.c',
  'targets/common/xstcp_frame_queue.c',
  'targets/common/xstcp_ethernet.c',
].map((f) => join(ROOT, f));

interface Run { build: string; lines: string[]; status: number | null }

function buildAndRun(): Run {
  const dir = mkdtempSync(join(tmpdir(), `xstcp-stm32-eth-${process.pid}-`));
  try {
    const binary = join(dir, 'stm32-ethernet-host');
    // Non-PIE: the driver keeps 32-bit DMA addresses, so its buffers must sit below 4 GB.
    const cc = spawnSync('gcc', ['-std=gnu11', '-O1', '-Wall', '-Wextra', '-Werror', '-no-pie',
      `-I${join(ROOT, 'targets/stm32')}`, `-I${join(ROOT, 'targets/common')}`, ...SOURCES, '-o', binary], { encoding: 'utf8' });
    if (cc.status !== 0) return { build: `${cc.error ?? ''}${cc.stderr}`, lines: [], status: null };
    const run = spawnSync(binary, [], { encoding: 'utf8', timeout: 30_000 });
    return { build: '', lines: run.stdout.split('\n').filter((l) => l.length > 0), status: run.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const result = buildAndRun();
const checks = result.lines.map((line) => {
  const m = /^(ok|not ok) ([\w-]+)(?:: (.*))?$/.exec(line);
  return { line, name: m?.[2] ?? line, ok: m?.[1] === 'ok', why: m?.[3] ?? 'unparsed line' };
});

describe('STM32F7 Ethernet driver on a model of the MAC, DMA and PHY', () => {
  it('compiles unchanged for the host and runs to completion', () => {
    expect(result.build).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs every group of checks', () => {
    const names = checks.map((c) => c.name);
    for (const prefix of ['open-', 'rx-', 'tx-', 'link-', 'service-', 'close-']) {
      expect(names.some((n) => n.startsWith(prefix))).toBe(true);
    }
    expect(checks.length).toBeGreaterThanOrEqual(60);
  });

  it.each(checks.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(c.ok ? 'ok' : `failed: ${c.why}`).toBe('ok');
  });
});
