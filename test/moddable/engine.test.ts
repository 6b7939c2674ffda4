/**
 * `xstcp board --engine moddable` before anything runs: without a usable SDK in $MODDABLE,
 * or with a flag the engine cannot honour, the command exits 2 with a message saying
 * what to do — on every machine, with or without an SDK. Also the mcconfig config the
 * board flags become, and what makes the build cache miss.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type BoardArgs } from '../../hosts/common/cli-args.js';
import { appConfig, appConfigKey, appSourceKey, findModdableSdk, type ModdableSdk } from '../../hosts/node/board-moddable.js';
import { ensureBuilt, REPO_ROOT } from '../interop/helpers.js';

const CLI = join(REPO_ROOT, 'bin', 'xstcp.js');
const BOARD = ['board', '--tap', 'xi0', '--ip', '198.18.0.2/24', '--engine', 'moddable'];

function xstcp(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20000, env });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function boardArgs(...extra: string[]): BoardArgs {
  const r = parseArgs(['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', ...extra]);
  if (!r.ok || r.args.command !== 'board') throw new Error('bad test arguments');
  return r.args;
}

/** A directory shaped like an SDK: build/makefiles/lin and the named tools (empty files). */
function fakeSdk(tools: string[]): { root: string; rm(): void } {
  const root = mkdtempSync(join(tmpdir(), 'xstcp-fake-moddable-'));
  mkdirSync(join(root, 'build', 'makefiles', 'lin'), { recursive: true });
  mkdirSync(join(root, 'build', 'bin', 'lin', 'release'), { recursive: true });
  for (const tool of tools) writeFileSync(join(root, 'build', 'bin', 'lin', 'release', tool), '');
  return { root, rm: () => rmSync(root, { recursive: true, force: true }) };
}

describe('xstcp board --engine moddable: what it needs', () => {
  beforeAll(() => ensureBuilt(), 300000);

  it('exits 2 and says how to get an SDK when $MODDABLE is unset', () => {
    const env = { ...process.env };
    delete env.MODDABLE;
    const r = xstcp(BOARD, env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--engine moddable needs \$MODDABLE.*cd \$MODDABLE\/build\/makefiles\/lin && make/);
    expect(r.stdout).toBe('');
  });

  it('exits 2 when $MODDABLE is not an SDK, or its tools are not built', () => {
    const empty = mkdtempSync(join(tmpdir(), 'xstcp-not-moddable-'));
    const partial = fakeSdk(['mcconfig', 'xsc']);
    try {
      const r1 = xstcp(BOARD, { ...process.env, MODDABLE: empty });
      expect(r1.status).toBe(2);
      expect(r1.stderr).toContain(`$MODDABLE is ${empty}, which is not a Moddable SDK`);
      const r2 = xstcp(BOARD, { ...process.env, MODDABLE: partial.root });
      expect(r2.status).toBe(2);
      expect(r2.stderr).toContain('has no mcrez, xsl, mcsim in build/bin/lin/release: build its tools first');
    } finally {
      rmSync(empty, { recursive: true, force: true });
      partial.rm();
    }
  });

  it('exits 2 for --pcap, which the simulator cannot write, before looking for the SDK', () => {
    const r = xstcp([...BOARD, '--pcap', 'x.pcap'], { ...process.env, MODDABLE: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--pcap is not available with --engine moddable.*tcpdump/);
  });

  it('finds a complete SDK', () => {
    const sdk = fakeSdk(['mcconfig', 'mcrez', 'xsc', 'xsl', 'mcsim']);
    try {
      expect(findModdableSdk({ MODDABLE: sdk.root })).toEqual({
        root: sdk.root,
        bin: join(sdk.root, 'build', 'bin', 'lin', 'release'),
        mcconfig: join(sdk.root, 'build', 'bin', 'lin', 'release', 'mcconfig'),
        mcsim: join(sdk.root, 'build', 'bin', 'lin', 'release', 'mcsim'),
      });
    } finally {
      sdk.rm();
    }
  });

  it('turns the board flags into mcconfig config the app parses back', () => {
    expect(appConfig(boardArgs())).toEqual(['tap=tap0', 'ip=198.18.0.2/24', 'mac=02:00:00:00:00:02', 'app=http', 'trace=0', 'memory=0']);
    expect(appConfig(boardArgs('--gateway', '198.18.0.1', '--mac', '02:aa:00:00:00:0b', '--app', 'echo,chargen', '--sockets', '9',
      '--msl', '1.5', '--reuse-time-wait', 'off', '--trace', '--memory'))).toEqual([
      'tap=tap0', 'ip=198.18.0.2/24', 'mac=02:aa:00:00:00:0b', 'app=echo,chargen', 'gateway=198.18.0.1', 'sockets=9', 'msl=1.5',
      'reuse=off', 'trace=1', 'memory=1']);
  });

  it('keys the build cache by config and sources', () => {
    const sdk = fakeSdk(['mcconfig', 'mcrez', 'xsc', 'xsl', 'mcsim']);
    try {
      const found = findModdableSdk({ MODDABLE: sdk.root }) as ModdableSdk;
      expect(appSourceKey(REPO_ROOT, found)).toMatch(/^[0-9a-f]{16}$/);
      expect(appSourceKey(REPO_ROOT, found)).toBe(appSourceKey(REPO_ROOT, found));
      expect(appSourceKey(REPO_ROOT, { ...found, root: `${found.root}/` })).not.toBe(appSourceKey(REPO_ROOT, found));
      const http = appConfigKey(['tap=xi0', 'app=http']);
      expect(appConfigKey(['tap=xi0', 'app=http'])).toBe(http);
      expect(appConfigKey(['tap=xi0', 'app=echo'])).not.toBe(http);
    } finally {
      sdk.rm();
    }
  });
});
