/**
 * The `xstcp` command as a process: argument errors (exit 2), a TAP device it cannot
 * open (exit 1), the simulated demo (exit 0, no root needed), and with root the demo
 * against the kernel end to end, leaving no namespace or process behind.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIf, ensureBuilt, interopMissingReason, ip, Namespaces, removeStaleNamespaces, REPO_ROOT } from './helpers.js';

const CLI = join(REPO_ROOT, 'bin', 'xstcp.js');
const DEMO_NS = 'xstcp-demo';

function xstcp(args: string[], timeoutMs = 20000, netns?: string) {
  const command = netns === undefined ? process.execPath : 'ip';
  const argv = netns === undefined ? [CLI, ...args] : ['netns', 'exec', netns, process.execPath, CLI, ...args];
  const r = spawnSync(command, argv, { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGTERM' });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function namespaceExists(name: string): boolean {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10000 });
  return r.status === 0 && r.stdout.split('\n').some((line) => line.split(' ')[0] === name);
}

/** Processes whose command line mentions `needle` (read from /proc, bounded). */
function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e)).slice(0, 100000)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(needle) && Number(pid) !== process.pid) found.push(`${pid}: ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('interop: the xstcp command', () => {
  beforeAll(() => ensureBuilt(), 300000);

  it.each([
    [['board'], /--tap NAME is required/],
    [['board', '--tap', 'xi0', '--ip', '198.18.0.2'], /prefix length/],
    [['board', '--tap', 'xi0', '--ip', '198.18.0.2/24', '--app', 'gopher'], /unknown app 'gopher'/],
    [['demo', '--loud'], /unknown option --loud/],
  ])('xstcp %j exits 2 with a clear message and the usage', (args, message) => {
    const r = xstcp(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^xstcp: /);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).toContain('usage:');
    expect(r.stdout).toBe('');
  });

  it('exits 1 with a clear message when the TAP device cannot be opened', () => {
    const namespaces = new Namespaces();
    try {
      let r;
      let device: string;
      if (interopMissingReason() === undefined) {
        // Root: a TUN device of that name exists, so attaching as TAP fails (EINVAL), in a
        // namespace of our own so that nothing is ever created outside it.
        removeStaleNamespaces();
        const netns = namespaces.create('cli');
        device = 'xtun0';
        namespaces.addDevice(netns, device, { mode: 'tun' });
        r = xstcp(['board', '--tap', device, '--ip', '198.18.0.2/24'], 20000, netns);
        expect(r.stderr).toMatch(/EINVAL|Invalid argument/);
      } else {
        // Not root (or no /dev/net/tun): opening /dev/net/tun itself fails; nothing can be created.
        device = 'xstcpnone0';
        r = xstcp(['board', '--tap', device, '--ip', '198.18.0.2/24']);
      }
      expect(r.status).toBe(1);
      expect(r.stderr.startsWith(`xstcp: cannot open TAP device ${device}: `)).toBe(true);
      expect(r.stderr).not.toContain('ready');
    } finally {
      namespaces.removeAll();
    }
  }, 30000);

  it('demo --sim --once runs the simulated LAN, says why, and exits 0', () => {
    const r = xstcp(['demo', '--sim', '--once'], 60000);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('running on the simulated LAN instead of a TAP device: asked for with --sim');
    const pings = /(\d+) pings, (\d+) replies/.exec(r.stdout);
    expect(pings).not.toBeNull();
    expect(Number(pings![2])).toBeGreaterThan(0);
    expect(namespaceExists(DEMO_NS)).toBe(false);
  }, 90000);

  describeIf(interopMissingReason(['curl']), 'with root and a TAP device', () => {
    it('demo --once fetches / from the board through the kernel, prints the close sequence, and leaves nothing behind', () => {
      if (namespaceExists(DEMO_NS)) throw new Error(`namespace ${DEMO_NS} exists: is a demo running? (this test would replace it)`);
      try {
        const r = xstcp(['demo', '--once'], 60000);
        expect(r.status).toBe(0);
        expect(r.stdout).toContain(`board up at 198.18.0.2 on TAP device`);
        expect(r.stdout).toContain('GET http://198.18.0.2/ with curl from inside the namespace:');
        expect(r.stdout).toContain('<h1>xstcp board</h1>');
        expect(r.stdout).toMatch(/close sequence of socket \d+/);
        expect(r.stdout).toMatch(/ESTABLISHED -> FIN_WAIT_1/);
        expect(r.stdout).toMatch(/TCP_EVENT_CLOSED \(in TIME_WAIT\)/);
        expect(r.stdout).toContain(`ip netns exec ${DEMO_NS} curl http://198.18.0.2/`);
        expect(namespaceExists(DEMO_NS)).toBe(false);
        expect(processesMentioning('--tap xdemo0')).toEqual([]);
      } finally {
        // Only if the demo was killed before its own clean-up.
        if (namespaceExists(DEMO_NS)) ip('netns', 'del', DEMO_NS);
      }
    }, 90000);
  });
});
