/**
 * Checks of ECMA-419 constructor options shared by TCP and Listener: a wrong type is a
 * TypeError, a value outside what the class supports a RangeError.
 */

export function checkOptionsObject(options: unknown, cls: string): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${cls}: options must be an object`);
}

/** An optional callback: undefined or a function. */
export function checkCallback<F>(value: F | undefined, name: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${name} must be a function`);
  return value;
}

/** A data format among `allowed`; `fallback` when absent (unless `required`, as for the setter). */
export function checkFormat<T extends string>(value: unknown, allowed: readonly T[], fallback: T, required = false): T {
  if (value === undefined && !required) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`unsupported format ${String(value)} (${allowed.join(' or ')})`);
  }
  return value as T;
}
