/**
 * `npm run fuzz -- --minutes N [--seed S] [--target interface|pair|both] [--out DIR]`:
 * runs the fuzz targets in rounds of fixed-seed fast-check runs until the time is up,
 * alternating targets, and prints frames run, cases and findings. A finding is printed
 * with fast-check's shrunk counterexample and its seed (replayable with --seed) and, with
 * --out, written there as JSON. Exit status 1 when anything was found, 2 on bad arguments.
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { interfaceProperty, pairProperty, stats } from './targets.js';

interface Args {
  minutes: number;
  seed: number;
  target: 'interface' | 'pair' | 'both';
  out: string | undefined;
}

function usage(message: string): never {
  process.stderr.write(`fuzz: ${message}\nusage: npm run fuzz -- --minutes N [--seed S] [--target interface|pair|both] [--out DIR]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { minutes: 1, seed: Date.now() % 0x7fffffff, target: 'both', out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) usage(`${flag} needs a value`);
    i++;
    if (flag === '--minutes') {
      a.minutes = Number(value);
      if (!(a.minutes > 0 && Number.isFinite(a.minutes))) usage(`--minutes must be a positive number, got ${value}`);
    } else if (flag === '--seed') {
      a.seed = Number(value);
      if (!Number.isInteger(a.seed)) usage(`--seed must be an integer, got ${value}`);
    } else if (flag === '--target') {
      if (value !== 'interface' && value !== 'pair' && value !== 'both') usage(`--target must be interface, pair or both, got ${value}`);
      a.target = value;
    } else if (flag === '--out') a.out = value;
    else usage(`unknown argument ${flag}`);
  }
  return a;
}

const ROUND_RUNS = { interface: 50, pair: 5 };

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const end = Date.now() + args.minutes * 60_000;
  const targets = args.target === 'both' ? (['interface', 'pair'] as const) : ([args.target] as const);
  let findings = 0;
  let round = 0;
  const started = Date.now();
  if (args.out !== undefined) mkdirSync(args.out, { recursive: true });
  process.stdout.write(`fuzz: seed ${args.seed}, ${args.minutes} min, targets ${targets.join(', ')}\n`);
  while (Date.now() < end) {
    const target = targets[round % targets.length];
    const seed = (args.seed + round) | 0;
    round++;
    if (process.env.XSTCP_FUZZ_VERBOSE) process.stdout.write(`round ${round} ${target} seed ${seed}\n`);
    const property = target === 'interface' ? interfaceProperty() : pairProperty();
    const result = fc.check(property as fc.IProperty<unknown>, { seed, numRuns: ROUND_RUNS[target], endOnFailure: false });
    if (result.failed) {
      findings++;
      const report = { target, seed, counterexample: result.counterexample, error: String(result.errorInstance) };
      process.stdout.write(`FINDING ${findings} (${target}, seed ${seed}):\n${report.error}\n${JSON.stringify(result.counterexample)}\n`);
      if (args.out !== undefined) writeFileSync(join(args.out, `finding-${target}-${seed}.json`), JSON.stringify(report, null, 1));
    }
    if (round % 20 === 0) {
      const s = Math.round((Date.now() - started) / 1000);
      process.stdout.write(`fuzz: ${s} s, ${round} rounds, ${stats.cases} cases, ${stats.framesRun} frames, ${findings} findings\n`);
    }
  }
  const s = Math.round((Date.now() - started) / 1000);
  process.stdout.write(`fuzz: done after ${s} s: ${round} rounds, ${stats.cases} cases, ${stats.framesRun} frames run, ${findings} findings\n`);
  if (process.env.XSTCP_FUZZ_COUNTERS) {
    for (const [k, v] of [...stats.counters].sort()) process.stdout.write(`  ${k} ${v}\n`);
  }
  process.exitCode = findings > 0 ? 1 : 0;
}

main();
