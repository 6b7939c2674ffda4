/**
 * The test tree jest's globals build (describe/test/it with .each/.skip/.only/.todo and
 * the four hooks) and the runner that walks it: tests run one after another in
 * declaration order, async functions are awaited, `beforeEach`/`afterEach` of enclosing
 * blocks wrap each test (outer first / inner first), `beforeAll`/`afterAll` wrap a block.
 * Full names are the describe titles and the test title joined by spaces, as jest's.
 */
import { eachTitle, templateTitle } from './format.js';

export type TestFn = (...args: any[]) => unknown;
type Mode = 'run' | 'skip' | 'only' | 'todo';

interface TestCase {
  kind: 'test';
  title: string;
  fn: TestFn | undefined;
  /** Arguments of a `.each` row; undefined for a plain test. */
  args: unknown[] | undefined;
  mode: Mode;
}

interface Block {
  kind: 'block';
  title: string;
  mode: Mode;
  children: (Block | TestCase)[];
  beforeAll: TestFn[];
  afterAll: TestFn[];
  beforeEach: TestFn[];
  afterEach: TestFn[];
}

export type Status = 'passed' | 'failed' | 'skipped' | 'todo';

export interface TestResult {
  file: string;
  fullName: string;
  /** The enclosing describe titles, outermost first. */
  ancestors: string[];
  title: string;
  status: Status;
  /** Failure messages (the test's, and its hooks'). */
  errors: string[];
  durationMs: number;
}

function newBlock(title: string, mode: Mode): Block {
  return { kind: 'block', title, mode, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const stack = typeof error.stack === 'string' && error.stack.length > 0 ? error.stack : '';
    // V8 stacks start with "Name: message"; XS stacks hold only the frames.
    return stack.startsWith(`${error.name}: `) ? stack : `${error.name}: ${error.message}${stack ? `\n${stack}` : ''}`;
  }
  return `thrown: ${String(error)}`;
}

/** Rows of a template table (`test.each\`a | b ${1} | ${2}\``) as objects. */
function templateRows(strings: readonly string[], values: unknown[]): Record<string, unknown>[] {
  const header = strings[0].split('|').map((s) => s.trim()).filter((s) => s.length > 0);
  if (header.length === 0) throw new Error('test.each: a template table needs a header row');
  if (values.length % header.length !== 0) throw new Error(`test.each: ${values.length} values do not fill rows of ${header.length} columns`);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < values.length; i += header.length) {
    const row: Record<string, unknown> = {};
    header.forEach((name, j) => (row[name] = values[i + j]));
    rows.push(row);
  }
  return rows;
}

/** Expands a `.each` table into (title, args) cases. */
function eachCases(table: unknown, values: unknown[], title: string): { title: string; args: unknown[] }[] {
  const isTemplate = Array.isArray(table) && Object.prototype.hasOwnProperty.call(table, 'raw');
  if (isTemplate) {
    return templateRows(table as readonly string[], values).map((row, i) => ({ title: templateTitle(title, row, i), args: [row] }));
  }
  if (!Array.isArray(table)) throw new Error('.each expects an array or a template table');
  const rows = table.every((row) => Array.isArray(row)) ? (table as unknown[][]) : table.map((row) => [row]);
  return rows.map((row, i) => {
    const single = row.length === 1 ? row[0] : undefined;
    const objectRow = typeof single === 'object' && single !== null && !Array.isArray(single) && !/%[psdifjoO]/.test(title);
    return { title: objectRow ? templateTitle(title, single as Record<string, unknown>, i) : eachTitle(title, row, i), args: row };
  });
}

export class Suite {
  readonly results: TestResult[] = [];
  private root = newBlock('', 'run');
  private current = this.root;
  private file = '';

  /** Starts collecting the tests of one file (each file is its own tree, like a jest suite). */
  beginFile(file: string): void {
    this.file = file;
    this.root = newBlock('', 'run');
    this.current = this.root;
  }

  /** Records that a test file could not be loaded, as a failed pseudo-test. */
  fileFailed(file: string, error: unknown): void {
    this.results.push({ file, fullName: `${file} (suite failed to load)`, ancestors: [], title: '(suite failed to load)', status: 'failed', errors: [describeError(error)], durationMs: 0 });
  }

  describe(title: string, fn: () => unknown, mode: Mode = 'run'): void {
    const block = newBlock(String(title), mode);
    this.current.children.push(block);
    const parent = this.current;
    this.current = block;
    try {
      const r = fn();
      if (r !== undefined && typeof (r as { then?: unknown }).then === 'function') throw new Error(`describe('${title}') returned a promise: describe callbacks must be synchronous`);
    } finally {
      this.current = parent;
    }
  }

  test(title: string, fn: TestFn | undefined, mode: Mode = 'run', args?: unknown[]): void {
    this.current.children.push({ kind: 'test', title: String(title), fn, args, mode: fn === undefined ? 'todo' : mode });
  }

  each(kind: 'test' | 'describe', mode: Mode, table: unknown, values: unknown[]): (title: string, fn: TestFn) => void {
    return (title, fn) => {
      for (const c of eachCases(table, values, title)) {
        if (kind === 'test') this.test(c.title, fn, mode, c.args);
        else this.describe(c.title, () => fn(...c.args), mode);
      }
    };
  }

  hook(which: 'beforeAll' | 'afterAll' | 'beforeEach' | 'afterEach', fn: TestFn): void {
    this.current[which].push(fn);
  }

  /** Runs the tree collected for the current file; `report` sees each result as it is made. */
  async runFile(now: () => number, report: (r: TestResult) => void): Promise<void> {
    this.focused = hasOnly(this.root);
    await this.runBlock(this.root, [], [], [], false, now, report);
  }

  private focused = false;

  /** Whether a test in `path` is selected: no `.only` in the file, or it or a block around it has one. */
  private selected(mode: Mode, path: Block[]): boolean {
    return !this.focused || mode === 'only' || path.some((b) => b.mode === 'only');
  }

  /** Whether a block holds a test that will run (so its beforeAll/afterAll are worth running). */
  private hasRunnable(block: Block, path: Block[]): boolean {
    const inner = [...path, block];
    return block.mode !== 'skip' && block.children.some((c) =>
      c.kind === 'block' ? this.hasRunnable(c, inner) : c.mode !== 'skip' && c.mode !== 'todo' && this.selected(c.mode, inner),
    );
  }

  private async runBlock(block: Block, ancestors: string[], chain: Block[], inherited: string[], skipped: boolean, now: () => number, report: (r: TestResult) => void): Promise<void> {
    const names = block === this.root ? ancestors : [...ancestors, block.title];
    const path = [...chain, block];
    const skipAll = skipped || !this.hasRunnable(block, chain);
    // A failed beforeAll fails every test of its block, as in jest.
    const blockErrors = [...inherited];
    if (!skipAll) for (const fn of block.beforeAll) await this.call(fn, [], blockErrors, 'beforeAll');
    for (const child of block.children) {
      if (child.kind === 'block') {
        await this.runBlock(child, names, path, blockErrors, skipAll, now, report);
        continue;
      }
      const result: TestResult = { file: this.file, fullName: [...names, child.title].join(' '), ancestors: names, title: child.title, status: 'passed', errors: [], durationMs: 0 };
      if (child.mode === 'todo') result.status = 'todo';
      else if (skipAll || child.mode === 'skip' || !this.selected(child.mode, path)) result.status = 'skipped';
      else {
        const started = now();
        const errors = [...blockErrors];
        if (errors.length === 0) {
          for (const b of path) for (const fn of b.beforeEach) await this.call(fn, [], errors, 'beforeEach');
          if (errors.length === 0) await this.call(child.fn!, child.args, errors, '');
          for (let i = path.length - 1; i >= 0; i--) for (const fn of path[i].afterEach) await this.call(fn, [], errors, 'afterEach');
        }
        result.durationMs = now() - started;
        if (errors.length > 0) {
          result.status = 'failed';
          result.errors = errors;
        }
      }
      this.results.push(result);
      report(result);
    }
    if (!skipAll) {
      const afterErrors: string[] = [];
      for (const fn of block.afterAll) await this.call(fn, [], afterErrors, 'afterAll');
      // jest reports a failing afterAll against the suite; here it becomes a failed pseudo-test.
      if (afterErrors.length > 0) {
        const failed: TestResult = { file: this.file, fullName: [...names, '(afterAll)'].join(' '), ancestors: names, title: '(afterAll)', status: 'failed', errors: afterErrors, durationMs: 0 };
        this.results.push(failed);
        report(failed);
      }
    }
  }

  /** Calls a test or hook; a `done` parameter (jest's callback style) is supplied when asked for. */
  private async call(fn: TestFn, args: unknown[] | undefined, errors: string[], hook: string): Promise<void> {
    try {
      if (args === undefined && fn.length > 0) {
        await new Promise<void>((resolve, reject) => {
          const done = (error?: unknown) => (error === undefined ? resolve() : reject(error));
          fn(done);
        });
      } else {
        await fn(...(args ?? []));
      }
    } catch (error) {
      errors.push(hook ? `${hook}: ${describeError(error)}` : describeError(error));
    }
  }
}

function hasOnly(block: Block): boolean {
  return block.children.some((c) => c.mode === 'only' || (c.kind === 'block' && hasOnly(c)));
}
