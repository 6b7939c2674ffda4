/**
 * Deep equality with jest's rules, for `toEqual`, `toStrictEqual` and `toMatchObject`:
 * - primitives compare with Object.is (so NaN equals NaN and +0 differs from -0);
 * - values of different kinds (Object.prototype.toString tags) differ, so a Uint8Array
 *   never equals an Array;
 * - arrays and typed arrays compare length and elements, Maps and Sets by content,
 *   Dates by time, RegExps by source and flags, Errors by message;
 * - `toEqual` ignores properties (and array entries) whose value is undefined, so
 *   [1] equals [1, undefined]; the strict variant does not, and also compares prototypes,
 *   array lengths and holes.
 * Asymmetric matchers (expect.any(...) and friends) decide for themselves.
 */

/** A value in an expectation that matches by its own rule (expect.any, expect.anything...). */
export interface AsymmetricMatcher {
  readonly asymmetricMatch: (actual: unknown) => boolean;
  readonly describe: () => string;
}

export function isAsymmetric(value: unknown): value is AsymmetricMatcher {
  return typeof value === 'object' && value !== null && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';
}

const tagOf = (v: unknown): string => Object.prototype.toString.call(v);

/** Own enumerable string keys and enumerable symbols, as jest compares them. */
function keysOf(o: object): (string | symbol)[] {
  const keys: (string | symbol)[] = Object.keys(o);
  for (const s of Object.getOwnPropertySymbols(o)) {
    if (Object.prototype.propertyIsEnumerable.call(o, s)) keys.push(s);
  }
  return keys;
}

function definedKeys(o: object, strict: boolean): (string | symbol)[] {
  const all = keysOf(o);
  return strict ? all : all.filter((k) => (o as Record<string | symbol, unknown>)[k] !== undefined);
}

function isTypedArray(v: unknown): v is ArrayLike<number | bigint> {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** Pairs already under comparison, so cyclic structures terminate. */
type Seen = { a: unknown[]; b: unknown[] };

function eq(a: unknown, b: unknown, strict: boolean, seen: Seen): boolean {
  if (isAsymmetric(b)) return b.asymmetricMatch(a);
  if (isAsymmetric(a)) return a.asymmetricMatch(b);
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const tag = tagOf(a);
  if (tag !== tagOf(b)) return false;
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Error && b instanceof Error) return a.message === b.message;
  if (a instanceof Date && b instanceof Date) return Object.is(a.getTime(), b.getTime());
  if (a instanceof RegExp && b instanceof RegExp) return a.source === b.source && a.flags === b.flags;
  if (tag === '[object Number]' || tag === '[object String]' || tag === '[object Boolean]') {
    return Object.is((a as { valueOf(): unknown }).valueOf(), (b as { valueOf(): unknown }).valueOf());
  }
  for (let i = seen.a.length - 1; i >= 0; i--) {
    if (seen.a[i] === a) return seen.b[i] === b;
  }
  seen.a.push(a);
  seen.b.push(b);
  try {
    return eqContainer(a, b, strict, seen);
  } finally {
    seen.a.pop();
    seen.b.pop();
  }
}

function eqContainer(a: object, b: object, strict: boolean, seen: Seen): boolean {
  if (a instanceof ArrayBuffer && b instanceof ArrayBuffer) {
    return eq(new Uint8Array(a), new Uint8Array(b), strict, seen);
  }
  if (a instanceof DataView && b instanceof DataView) {
    return eq(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength), strict, seen);
  }
  if (isTypedArray(a) && isTypedArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Set && b instanceof Set) return eqSet(a, b, strict, seen);
  if (a instanceof Map && b instanceof Map) return eqMap(a, b, strict, seen);
  if (Array.isArray(a) && Array.isArray(b)) {
    // Like jest, toEqual compares arrays by their defined entries: [1] equals [1, undefined].
    if (!strict) return eqKeys(a, b, definedKeys(a, false), definedKeys(b, false), false, seen);
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (strict && (i in a) !== (i in b)) return false;
      if (!eq(a[i], b[i], strict, seen)) return false;
    }
    // Extra named properties on arrays count too, as in jest.
    const named = (o: unknown[]): (string | symbol)[] => keysOf(o).filter((k) => typeof k !== 'string' || !/^\d+$/.test(k));
    return eqKeys(a, b, named(a), named(b), true, seen);
  }
  return eqKeys(a, b, definedKeys(a, strict), definedKeys(b, strict), strict, seen);
}

function eqKeys(a: object, b: object, ka: (string | symbol)[], kb: (string | symbol)[], strict: boolean, seen: Seen): boolean {
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string | symbol, unknown>;
  const rb = b as Record<string | symbol, unknown>;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) && !(rb[k] === undefined && !strict)) return false;
    if (!eq(ra[k], rb[k], strict, seen)) return false;
  }
  return true;
}

function eqSet(a: Set<unknown>, b: Set<unknown>, strict: boolean, seen: Seen): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) {
    if (b.has(x)) continue;
    let found = false;
    for (const y of b) {
      if (eq(x, y, strict, seen)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function eqMap(a: Map<unknown, unknown>, b: Map<unknown, unknown>, strict: boolean, seen: Seen): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    if (b.has(k)) {
      if (!eq(v, b.get(k), strict, seen)) return false;
      continue;
    }
    let found = false;
    for (const [k2, v2] of b) {
      if (eq(k, k2, strict, seen) && eq(v, v2, strict, seen)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/** jest's `toEqual` (strict = false) and `toStrictEqual` (strict = true). */
export function deepEqual(actual: unknown, expected: unknown, strict = false): boolean {
  return eq(actual, expected, strict, { a: [], b: [] });
}

/**
 * jest's `toMatchObject`: every property of `expected` is in `actual` and matches,
 * recursively; arrays must have the same length and match element by element.
 */
export function matchesObject(actual: unknown, expected: unknown, depth = 0): boolean {
  if (depth > 100) return false;
  if (isAsymmetric(expected)) return expected.asymmetricMatch(actual);
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return deepEqual(actual, expected);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    for (let i = 0; i < expected.length; i++) if (!matchesObject(actual[i], expected[i], depth + 1)) return false;
    return true;
  }
  if (isTypedArray(expected) || expected instanceof Date || expected instanceof RegExp || expected instanceof Map || expected instanceof Set) {
    return deepEqual(actual, expected);
  }
  const ra = actual as Record<string | symbol, unknown>;
  const re = expected as Record<string | symbol, unknown>;
  for (const k of keysOf(expected)) {
    if (!(k in ra)) return false;
    if (!matchesObject(ra[k], re[k], depth + 1)) return false;
  }
  return true;
}
