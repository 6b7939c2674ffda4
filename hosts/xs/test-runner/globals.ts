/**
 * Puts jest's globals on globalThis, bound to one Suite: describe / test / it (each with
 * .each, .skip, .only, and test.todo), xdescribe / xit / xtest / fdescribe / fit, the four
 * hooks, and expect. Test modules call them while they are evaluated, so this must run
 * before the first test module is imported.
 */
import { expect } from './expect.js';
import type { Suite, TestFn } from './suite.js';

type Mode = 'run' | 'skip' | 'only';

function testApi(suite: Suite, base: Mode) {
  const make = (mode: Mode) =>
    Object.assign((title: string, fn?: TestFn) => suite.test(title, fn, mode), {
      each: (table: unknown, ...values: unknown[]) => suite.each('test', mode, table, values),
    });
  return Object.assign(make(base), {
    skip: make('skip'),
    only: make('only'),
    todo: (title: string) => suite.test(title, undefined, 'todo'),
  });
}

function describeApi(suite: Suite, base: Mode) {
  const make = (mode: Mode) =>
    Object.assign((title: string, fn: () => unknown) => suite.describe(title, fn, mode), {
      each: (table: unknown, ...values: unknown[]) => suite.each('describe', mode, table, values),
    });
  return Object.assign(make(base), { skip: make('skip'), only: make('only') });
}

export function installGlobals(suite: Suite): void {
  const g = globalThis as Record<string, unknown>;
  const test = testApi(suite, 'run');
  g.test = test;
  g.it = test;
  g.xtest = testApi(suite, 'skip');
  g.xit = g.xtest;
  g.fit = testApi(suite, 'only');
  g.describe = describeApi(suite, 'run');
  g.xdescribe = describeApi(suite, 'skip');
  g.fdescribe = describeApi(suite, 'only');
  g.beforeAll = (fn: TestFn) => suite.hook('beforeAll', fn);
  g.afterAll = (fn: TestFn) => suite.hook('afterAll', fn);
  g.beforeEach = (fn: TestFn) => suite.hook('beforeEach', fn);
  g.afterEach = (fn: TestFn) => suite.hook('afterEach', fn);
  g.expect = expect;
}
