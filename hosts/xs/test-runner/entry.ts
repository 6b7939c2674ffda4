/**
 * Runs jest-style test modules on the XS host or on Node (through hosts/xs/node-shim.mjs)
 * from the same compiled JavaScript:
 *
 *   xstcp-xs [--modules DIR] dist/xs-tests/hosts/xs/test-runner/entry.js [--json FILE] [--root DIR] [--quiet] TEST.js...
 *   node hosts/xs/node-shim.mjs dist/xs-tests/hosts/xs/test-runner/entry.js ...same...
 *
 * Test modules are imported one at a time after the jest globals are installed; each
 * file's tests then run before the next file is imported. Paths must be absolute, or
 * relative to --root DIR. Prints one line per test and a summary; `--json FILE` also
 * writes every result. Exit code 0 when nothing failed, 1 otherwise, 2 on bad arguments.
 */
import { installGlobals } from './globals.js';
import { describeError, Suite, type TestResult } from './suite.js';

interface Options {
  json: string | undefined;
  root: string | undefined;
  quiet: boolean;
  files: string[];
}

function parse(args: readonly string[]): Options | string {
  const o: Options = { json: undefined, root: undefined, quiet: false, files: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json' || a === '--root') {
      if (i + 1 >= args.length) return `${a} needs a value`;
      if (a === '--json') o.json = args[++i];
      else o.root = args[++i];
    } else if (a === '--quiet') o.quiet = true;
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else o.files.push(a);
  }
  if (o.files.length === 0) return 'no test files given';
  return o;
}

function resolvePath(file: string, root: string | undefined): string | undefined {
  if (file.startsWith('/')) return file;
  if (root === undefined) return undefined;
  return `${root.replace(/\/+$/, '')}/${file.replace(/^\.\//, '')}`;
}

function line(r: TestResult): string {
  const label = r.status === 'passed' ? 'PASS' : r.status === 'failed' ? 'FAIL' : r.status === 'todo' ? 'TODO' : 'SKIP';
  const head = `${label} ${r.fullName} (${Math.round(r.durationMs)} ms)`;
  if (r.status !== 'failed') return head;
  const details = r.errors.join('\n').split('\n').map((l) => `    ${l}`).join('\n');
  return `${head}\n${details}`;
}

async function main(args: readonly string[]): Promise<number> {
  const options = parse(args);
  if (typeof options === 'string') {
    xsHost.writeError(`test-runner: ${options}\n`);
    return 2;
  }
  const suite = new Suite();
  installGlobals(suite);
  const started = xsHost.now();
  let files = 0;
  for (const given of options.files) {
    const path = resolvePath(given, options.root);
    if (path === undefined) {
      xsHost.writeError(`test-runner: ${given} is relative; give an absolute path or --root DIR\n`);
      return 2;
    }
    suite.beginFile(path);
    if (!options.quiet) xsHost.write(`# ${path}\n`);
    try {
      await import(path);
    } catch (error) {
      suite.fileFailed(path, error);
      xsHost.write(`${line(suite.results[suite.results.length - 1])}\n`);
      continue;
    }
    files++;
    await suite.runFile(
      () => xsHost.now(),
      (r) => {
        if (!options.quiet || r.status === 'failed') xsHost.write(`${line(r)}\n`);
      },
    );
  }
  const elapsed = xsHost.now() - started;
  const count = (s: TestResult['status']) => suite.results.filter((r) => r.status === s).length;
  const summary = { engine: xsHost.engine, files, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), todo: count('todo'), elapsedMs: Math.round(elapsed) };
  xsHost.write(`${summary.engine}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped, ${summary.todo} todo; ${files} files in ${summary.elapsedMs} ms\n`);
  if (options.json !== undefined) xsHost.writeFile(options.json, JSON.stringify({ summary, results: suite.results }, null, 1));
  return summary.failed > 0 ? 1 : 0;
}

main(xsHost.args).then(
  (code) => xsHost.exit(code),
  (error: unknown) => {
    xsHost.writeError(`test-runner: ${describeError(error)}\n`);
    xsHost.exit(1);
  },
);
