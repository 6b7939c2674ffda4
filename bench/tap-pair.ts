/**
 * Boards against lwIP over TAP, interleaved in one run: every server runs at once, each on
 * a TAP device of its own in one namespace (lwIP on tap0 at 198.18.0.2, board i = 0, 1, ...
 * on tap<i+1> at 198.18.<2i+2>.2), and every round measures each test on every server in
 * turn, so a machine whose load changes during the run changes all alike. Prints per test
 * the medians and each board's ratio to lwIP.
 *
 *   npm run build && node dist/bench/tap-pair.js [--mb 20] [--rounds 3] [--requests 500]
 *       [--tests upload,chargen,http,ab] [--boards node,node-sync,xs]
 *
 * Boards: `node`, `xs` (the engines), `node-sync` (Node writing every frame on the event
 * loop's thread: XSTCP_TAP_TX_SLOTS=0).
 *
 * Needs root, /dev/net/tun, curl, ab and Debian's liblwip-dev; the namespace is removed at
 * the end.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { benchNamespace, buildLwipServer, measureOnce, startServer, stopServer, LWIP_BINARY, type TapSizes } from './tap.js';

const ROOT = process.cwd();
const NS = `xstcp-pair-${process.pid}`;
const TESTS = ['upload', 'chargen', 'http', 'ab'];
const BOARDS: Record<string, { engine: string; env: Record<string, string> }> = {
  'node': { engine: 'node', env: {} },
  'node-sync': { engine: 'node', env: { XSTCP_TAP_TX_SLOTS: '0' } },
  'xs': { engine: 'xs', env: {} },
};

function usage(reason: string): never {
  process.stderr.write(`tap-pair: ${reason}\nusage: node dist/bench/tap-pair.js [--mb N] [--rounds N] [--requests N] [--tests a,b] [--boards a,b]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { sizes: TapSizes; tests: string[]; boards: string[] } {
  let mb = 20;
  let rounds = 3;
  let requests = 500;
  let tests = TESTS;
  let boards = ['node'];
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) usage(`${argv[i]} needs a value`);
    const n = Number(value);
    if (argv[i] === '--mb' || argv[i] === '--rounds' || argv[i] === '--requests') {
      if (!Number.isInteger(n) || n < 1 || n > 10_000) usage(`${argv[i]} must be an integer from 1 to 10000, got '${value}'`);
      if (argv[i] === '--mb') mb = n;
      else if (argv[i] === '--rounds') rounds = n;
      else requests = n;
    } else if (argv[i] === '--tests') {
      tests = value.split(',');
      const bad = tests.find((t) => !TESTS.includes(t));
      if (bad !== undefined) usage(`unknown test '${bad}' (tests: ${TESTS.join(',')})`);
    } else if (argv[i] === '--boards') {
      boards = value.split(',');
      const bad = boards.find((b) => !(b in BOARDS));
      if (bad !== undefined) usage(`unknown board '${bad}' (boards: ${Object.keys(BOARDS).join(',')})`);
    } else {
      usage(`unknown argument '${argv[i]}'`);
    }
  }
  const bytes = mb * 1_000_000;
  return { sizes: { runs: rounds, uploadBytes: bytes, downloadBytes: bytes, httpBytes: bytes, abRequests: requests }, tests, boards };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

async function main(): Promise<void> {
  const { sizes, tests, boards } = parseArgs(process.argv.slice(2));
  if (process.getuid?.() !== 0) usage('needs root (network namespaces, TAP devices)');
  const problem = buildLwipServer();
  if (problem !== undefined) usage(problem);
  benchNamespace(NS);
  const servers = [{ name: 'lwIP', host: '198.18.0.2', argv: [LWIP_BINARY, 'tap0', '198.18.0.2/24'] }];
  boards.forEach((board, i) => {
    // Board i: tap<i+1>, the kernel at 198.18.<2i+2>.1, the board at .2.
    const tap = `tap${i + 1}`;
    const net = `198.18.${2 * i + 2}`;
    ip('-n', NS, 'tuntap', 'add', 'dev', tap, 'mode', 'tap');
    ip('-n', NS, 'addr', 'add', `${net}.1/24`, 'dev', tap);
    ip('-n', NS, 'link', 'set', tap, 'up');
    const { engine, env } = BOARDS[board];
    const command = [process.execPath, join(ROOT, 'bin', 'xstcp.js'), 'board', '--engine', engine, '--tap', tap, '--ip', `${net}.2/24`, '--app', 'http,discard,chargen', '--window', '262144'];
    servers.push({ name: `xstcp ${board}`, host: `${net}.2`, argv: ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...command] });
  });
  const children = [];
  try {
    for (const s of servers) children.push(await startServer(NS, s.argv));
    const rates = new Map<string, number[]>();
    for (let round = 0; round <= sizes.runs; round++) {
      for (const test of tests) {
        for (const s of servers) {
          let value: number;
          try {
            value = measureOnce(NS, sizes, test, s.host);
          } catch (error) {
            // A failed run is reported and left out of the median, not hidden.
            process.stderr.write(`tap-pair: round ${round} ${test} ${s.name} failed: ${(error as Error).message}\n`);
            continue;
          }
          process.stderr.write(`tap-pair: round ${round} ${test} ${s.name}: ${value.toFixed(0)}\n`);
          // Round 0 warms up (ARP, JIT) and is not counted.
          const key = `${test} ${s.name}`;
          if (round > 0) rates.set(key, [...(rates.get(key) ?? []), value]);
        }
      }
    }
    const boardNames = servers.slice(1).map((s) => s.name);
    process.stdout.write(`| test (${sizes.uploadBytes / 1e6} MB, ${sizes.abRequests} requests, median of ${sizes.runs}) | ${servers.map((s) => s.name).join(' | ')} | ${boardNames.map((n) => `${n} / lwIP`).join(' | ')} |\n`);
    process.stdout.write(`|${'---|'.repeat(1 + servers.length + boardNames.length)}\n`);
    for (const test of tests) {
      const runs = servers.map((s) => rates.get(`${test} ${s.name}`) ?? []);
      if (runs.some((r) => r.length === 0)) {
        process.stdout.write(`| ${test} | no successful run on ${servers.filter((_, i) => runs[i].length === 0).map((s) => s.name).join(', ')} |\n`);
        continue;
      }
      const medians = runs.map(median);
      const unit = test === 'ab' ? 'req/s' : 'MB/s';
      const show = (v: number) => (unit === 'MB/s' ? (v / 1e6).toFixed(1) : v.toFixed(0));
      const all = runs.map((r) => r.map(show).join('/')).join('; ');
      process.stdout.write(`| ${test}, ${unit} | ${medians.map(show).join(' | ')} | ${medians.slice(1).map((m) => (m / medians[0]).toFixed(2)).join(' | ')} |  (runs: ${all})\n`);
    }
  } finally {
    for (const child of children) await stopServer(child);
    spawnSync('ip', ['netns', 'del', NS]);
  }
}

await main();
