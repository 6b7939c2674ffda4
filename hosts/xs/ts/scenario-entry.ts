/**
 * Runs one simulation scenario and writes what it produced, on the XS host or on Node
 * (hosts/xs/node-shim.mjs supplies xsHost there), from the same compiled JavaScript:
 *
 *   xstcp-xs dist/hosts/xs/ts/scenario-entry.js --scenario NAME --seed N [--pcap FILE] [--trace FILE]
 *   node hosts/xs/node-shim.mjs dist/hosts/xs/ts/scenario-entry.js ...same...
 *
 * Trace lines go to --trace FILE (one per line) or to stdout; the capture to --pcap FILE;
 * `--time on` reports the scenario's run time (ms) on stderr.
 * On XS the native checksum is installed, so equal outputs also check it.
 */
import { installXsAccelerators } from './accelerators.js';
import { SCENARIOS, scenarioNames } from './scenarios.js';

function fail(message: string, code: number): void {
  xsHost.writeError(`scenario-entry: ${message}\n`);
  xsHost.exit(code);
}

function main(args: readonly string[]): void {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i];
    if (!name.startsWith('--') || i + 1 >= args.length) return fail(`bad arguments: ${args.join(' ')}`, 2);
    options.set(name.slice(2), args[i + 1]);
  }
  const name = options.get('scenario') ?? 'demo';
  const scenario = SCENARIOS[name];
  if (scenario === undefined) return fail(`unknown scenario '${name}' (have: ${scenarioNames().join(', ')})`, 2);
  const seed = Number(options.get('seed') ?? '1');
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return fail(`--seed must be an integer 0..2^32-1`, 2);
  installXsAccelerators();
  const lines: string[] = [];
  const tracePath = options.get('trace');
  const print = tracePath === undefined ? (line: string) => xsHost.write(`${line}\n`) : (line: string) => void lines.push(line);
  const started = xsHost.now();
  const pcap = scenario(seed, print);
  // For the benchmarks: the scenario's own run time, without the process start-up.
  if (options.get('time') === 'on') xsHost.writeError(`elapsed ${xsHost.now() - started}\n`);
  const pcapPath = options.get('pcap');
  if (pcapPath !== undefined) xsHost.writeFile(pcapPath, pcap);
  if (tracePath !== undefined) xsHost.writeFile(tracePath, lines.length > 0 ? `${lines.join('\n')}\n` : '');
}

main(xsHost.args);
