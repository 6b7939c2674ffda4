/**
 * `expect(value)` with jest's matchers (the ones the TCP tests use and their close
 * relatives), `.not`, `.resolves`/`.rejects`, and a few asymmetric matchers. A failed
 * expectation throws an ExpectationFailed whose message shows expected and received.
 */
import { deepEqual, isAsymmetric, matchesObject, type AsymmetricMatcher } from './equality.js';
import { pretty } from './format.js';

export class ExpectationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpectationFailed';
  }
}

/** A matcher's verdict and how to describe it either way. */
interface Verdict {
  pass: boolean;
  /** Describes the failure of the positive form; `.not` prefixes it. */
  message: string;
}

type Matcher = (received: unknown, ...args: unknown[]) => Verdict;

const show = pretty;

function verdict(pass: boolean, what: string, expected: unknown, received: unknown, showExpected = true): Verdict {
  const lines = [`expect(received).${what}`];
  if (showExpected) lines.push(`Expected: ${show(expected)}`);
  lines.push(`Received: ${show(received)}`);
  return { pass, message: lines.join('\n') };
}

function numeric(name: string, received: unknown, expected: unknown, test: (a: number | bigint, b: number | bigint) => boolean): Verdict {
  const ok = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';
  if (!ok(received) || !ok(expected)) {
    throw new ExpectationFailed(`expect(received).${name}(expected): both must be numbers or bigints; got ${show(received)} and ${show(expected)}`);
  }
  return verdict(test(received, expected), `${name}(expected)`, expected, received);
}

function thrownBy(received: unknown): { threw: boolean; error: unknown } {
  if (typeof received !== 'function') throw new ExpectationFailed(`expect(received).toThrow(): received must be a function, got ${show(received)}`);
  try {
    (received as () => unknown)();
    return { threw: false, error: undefined };
  } catch (error) {
    return { threw: true, error };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === 'object' && error !== null && 'message' in error ? String((error as { message: unknown }).message) : String(error);
}

function throwMatches(error: unknown, expected: unknown): boolean {
  if (expected === undefined) return true;
  if (typeof expected === 'string') return messageOf(error).includes(expected);
  if (expected instanceof RegExp) return expected.test(messageOf(error));
  if (typeof expected === 'function') return error instanceof (expected as new () => unknown);
  if (isAsymmetric(expected)) return expected.asymmetricMatch(error);
  if (expected instanceof Error) return messageOf(error) === expected.message;
  return false;
}

function toThrowVerdict(received: { threw: boolean; error: unknown }, expected: unknown): Verdict {
  const pass = received.threw && throwMatches(received.error, expected);
  const what = expected === undefined ? 'toThrow()' : `toThrow(${show(expected)})`;
  const got = received.threw ? `Thrown: ${show(received.error)}` : 'Received function did not throw';
  return { pass, message: `expect(received).${what}\n${got}` };
}

function hasPath(received: unknown, path: unknown): { found: boolean; value: unknown } {
  const parts = Array.isArray(path) ? path.map(String) : String(path).split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let value: unknown = received;
  for (const part of parts) {
    if (value === null || value === undefined) return { found: false, value: undefined };
    const boxed = Object(value) as Record<string, unknown>;
    if (!(part in boxed)) return { found: false, value: undefined };
    value = boxed[part];
  }
  return { found: true, value };
}

const MATCHERS: Record<string, Matcher> = {
  toBe: (r, e) => verdict(Object.is(r, e), 'toBe(expected) // Object.is equality', e, r),
  toEqual: (r, e) => verdict(deepEqual(r, e), 'toEqual(expected) // deep equality', e, r),
  toStrictEqual: (r, e) => verdict(deepEqual(r, e, true), 'toStrictEqual(expected)', e, r),
  toMatchObject: (r, e) => {
    if (typeof r !== 'object' || r === null || typeof e !== 'object' || e === null) {
      throw new ExpectationFailed(`expect(received).toMatchObject(expected): both must be objects; got ${show(r)} and ${show(e)}`);
    }
    return verdict(matchesObject(r, e), 'toMatchObject(expected)', e, r);
  },
  toContain: (r, e) => {
    let pass: boolean;
    if (typeof r === 'string') pass = typeof e === 'string' && r.includes(e);
    else if (r !== null && typeof r === 'object' && Symbol.iterator in r) pass = Array.from(r as Iterable<unknown>).some((x) => x === e);
    else throw new ExpectationFailed(`expect(received).toContain(expected): received must be a string or iterable, got ${show(r)}`);
    return verdict(pass, 'toContain(expected)', e, r);
  },
  toContainEqual: (r, e) => {
    if (r === null || typeof r !== 'object' || !(Symbol.iterator in r)) throw new ExpectationFailed(`expect(received).toContainEqual(expected): received must be iterable, got ${show(r)}`);
    return verdict(Array.from(r as Iterable<unknown>).some((x) => deepEqual(x, e)), 'toContainEqual(expected)', e, r);
  },
  toHaveLength: (r, e) => {
    const length = r === null || r === undefined ? undefined : (r as { length?: unknown }).length;
    if (typeof length !== 'number') throw new ExpectationFailed(`expect(received).toHaveLength(expected): received has no length: ${show(r)}`);
    return { pass: length === e, message: `expect(received).toHaveLength(expected)\nExpected length: ${show(e)}\nReceived length: ${length}\nReceived: ${show(r)}` };
  },
  toHaveProperty: (r, path, ...rest) => {
    const { found, value } = hasPath(r, path);
    const pass = found && (rest.length === 0 || deepEqual(value, rest[0]));
    return { pass, message: `expect(received).toHaveProperty(${show(path)}${rest.length > 0 ? `, ${show(rest[0])}` : ''})\nReceived: ${show(r)}` };
  },
  toBeGreaterThan: (r, e) => numeric('toBeGreaterThan', r, e, (a, b) => a > b),
  toBeGreaterThanOrEqual: (r, e) => numeric('toBeGreaterThanOrEqual', r, e, (a, b) => a >= b),
  toBeLessThan: (r, e) => numeric('toBeLessThan', r, e, (a, b) => a < b),
  toBeLessThanOrEqual: (r, e) => numeric('toBeLessThanOrEqual', r, e, (a, b) => a <= b),
  toBeCloseTo: (r, e, digits = 2) => {
    if (typeof r !== 'number' || typeof e !== 'number') throw new ExpectationFailed(`expect(received).toBeCloseTo(expected): numbers only`);
    const pass = (r === Infinity && e === Infinity) || (r === -Infinity && e === -Infinity) || Math.abs(e - r) < 10 ** -(digits as number) / 2;
    return verdict(pass, `toBeCloseTo(expected, ${String(digits)})`, e, r);
  },
  toBeUndefined: (r) => verdict(r === undefined, 'toBeUndefined()', undefined, r, false),
  toBeDefined: (r) => verdict(r !== undefined, 'toBeDefined()', undefined, r, false),
  toBeNull: (r) => verdict(r === null, 'toBeNull()', null, r, false),
  toBeTruthy: (r) => verdict(Boolean(r), 'toBeTruthy()', undefined, r, false),
  toBeFalsy: (r) => verdict(!r, 'toBeFalsy()', undefined, r, false),
  toBeNaN: (r) => verdict(typeof r === 'number' && Number.isNaN(r), 'toBeNaN()', NaN, r, false),
  toBeInstanceOf: (r, e) => {
    if (typeof e !== 'function') throw new ExpectationFailed(`expect(received).toBeInstanceOf(expected): expected must be a constructor`);
    return verdict(r instanceof (e as new () => unknown), `toBeInstanceOf(${(e as { name?: string }).name ?? 'anonymous'})`, undefined, r, false);
  },
  toMatch: (r, e) => {
    if (typeof r !== 'string') throw new ExpectationFailed(`expect(received).toMatch(expected): received must be a string, got ${show(r)}`);
    const pass = e instanceof RegExp ? e.test(r) : r.includes(String(e));
    return verdict(pass, 'toMatch(expected)', e, r);
  },
  toThrow: (r, e) => toThrowVerdict(thrownBy(r), e),
};
MATCHERS.toThrowError = MATCHERS.toThrow;

/** Matchers of a rejected or resolved promise: `toThrow` there inspects the value itself. */
function settledMatcher(name: string, settled: { threw: boolean; error: unknown } | undefined): Matcher {
  return name === 'toThrow' || name === 'toThrowError' ? (_r, e) => toThrowVerdict(settled ?? { threw: false, error: undefined }, e) : MATCHERS[name];
}

export type Matchers = Record<string, (...args: unknown[]) => void> & {
  readonly not: Record<string, (...args: unknown[]) => void>;
  readonly resolves: Record<string, (...args: unknown[]) => Promise<void>>;
  readonly rejects: Record<string, (...args: unknown[]) => Promise<void>>;
};

function apply(matcher: Matcher, negate: boolean, received: unknown, args: unknown[]): void {
  const v = matcher(received, ...args);
  if (v.pass === negate) {
    throw new ExpectationFailed(negate ? v.message.replace('expect(received).', 'expect(received).not.') : v.message);
  }
}

function bound(received: unknown, negate: boolean): Record<string, (...args: unknown[]) => void> {
  const out: Record<string, (...args: unknown[]) => void> = {};
  for (const name of Object.keys(MATCHERS)) out[name] = (...args: unknown[]) => apply(MATCHERS[name], negate, received, args);
  return out;
}

function settledBound(promise: unknown, wantRejection: boolean, negate: boolean): Record<string, (...args: unknown[]) => Promise<void>> {
  const out: Record<string, (...args: unknown[]) => Promise<void>> = {};
  for (const name of Object.keys(MATCHERS)) {
    out[name] = async (...args: unknown[]) => {
      let value: unknown;
      let rejected = false;
      try {
        value = await promise;
      } catch (error) {
        value = error;
        rejected = true;
      }
      if (rejected !== wantRejection) {
        throw new ExpectationFailed(`expect(received).${wantRejection ? 'rejects' : 'resolves'}.${name}()\nReceived promise ${rejected ? 'rejected' : 'resolved'} with ${show(value)}`);
      }
      apply(settledMatcher(name, { threw: true, error: value }), negate, value, args);
    };
  }
  return out;
}

export function expect(received: unknown): Matchers {
  const m = bound(received, false) as Matchers;
  Object.defineProperty(m, 'not', { value: bound(received, true) });
  Object.defineProperty(m, 'resolves', { get: () => Object.assign(settledBound(received, false, false), { not: settledBound(received, false, true) }) });
  Object.defineProperty(m, 'rejects', { get: () => Object.assign(settledBound(received, true, false), { not: settledBound(received, true, true) }) });
  return m;
}

function asymmetric(describe: string, test: (actual: unknown) => boolean): AsymmetricMatcher {
  return { asymmetricMatch: test, describe: () => describe, toString: () => describe } as AsymmetricMatcher;
}

expect.any = (ctor: unknown): AsymmetricMatcher =>
  asymmetric(`Any<${(ctor as { name?: string }).name ?? '?'}>`, (a) => {
    if (ctor === Number) return typeof a === 'number' || a instanceof Number;
    if (ctor === String) return typeof a === 'string' || a instanceof String;
    if (ctor === Boolean) return typeof a === 'boolean' || a instanceof Boolean;
    if (ctor === BigInt) return typeof a === 'bigint';
    if (ctor === Symbol) return typeof a === 'symbol';
    if (ctor === Function) return typeof a === 'function';
    return typeof ctor === 'function' && a instanceof (ctor as new () => unknown);
  });
expect.anything = (): AsymmetricMatcher => asymmetric('Anything', (a) => a !== null && a !== undefined);
expect.objectContaining = (o: object): AsymmetricMatcher =>
  asymmetric(`ObjectContaining ${pretty(o)}`, (a) => typeof a === 'object' && a !== null && Object.keys(o).every((k) => k in a && deepEqual((a as Record<string, unknown>)[k], (o as Record<string, unknown>)[k])));
expect.arrayContaining = (items: unknown[]): AsymmetricMatcher =>
  asymmetric(`ArrayContaining ${pretty(items)}`, (a) => Array.isArray(a) && items.every((x) => a.some((y) => deepEqual(y, x))));
expect.stringContaining = (s: string): AsymmetricMatcher => asymmetric(`StringContaining ${pretty(s)}`, (a) => typeof a === 'string' && a.includes(s));
expect.stringMatching = (re: string | RegExp): AsymmetricMatcher =>
  asymmetric(`StringMatching ${String(re)}`, (a) => typeof a === 'string' && (typeof re === 'string' ? new RegExp(re) : re).test(a));
expect.closeTo = (n: number, digits = 2): AsymmetricMatcher => asymmetric(`NumberCloseTo ${n}`, (a) => typeof a === 'number' && Math.abs(n - a) < 10 ** -digits / 2);
