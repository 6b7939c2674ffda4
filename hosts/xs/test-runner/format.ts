/**
 * Value printing for failure messages and for `test.each` titles, close to what jest
 * prints (pretty-format's compact form and Node's util.format placeholders) so that test
 * names match jest's exactly for the values test tables use.
 */

const MAX_DEPTH = 6;
const MAX_ITEMS = 200;

function typedName(v: object): string {
  return (v as { constructor?: { name?: string } }).constructor?.name ?? 'Object';
}

/** Compact pretty-format style: strings quoted, `[1, 2]`, `{"a": 1}`, `Uint8Array [1, 2]`. */
export function pretty(value: unknown, depth = 0): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (value === null) return 'null';
  const o = value as object;
  if (o instanceof Error) return `[${o.name}: ${o.message}]`;
  if (o instanceof Date) return o.toISOString();
  if (o instanceof RegExp) return String(o);
  if (depth >= MAX_DEPTH) return Array.isArray(o) ? '[Array]' : `[${typedName(o)}]`;
  const list = (items: Iterable<unknown>, show: (x: unknown) => string): string => {
    const parts: string[] = [];
    for (const x of items) {
      if (parts.length >= MAX_ITEMS) {
        parts.push('…');
        break;
      }
      parts.push(show(x));
    }
    return parts.join(', ');
  };
  if (Array.isArray(o)) return `[${list(o, (x) => pretty(x, depth + 1))}]`;
  if (ArrayBuffer.isView(o) && !(o instanceof DataView)) {
    return `${typedName(o)} [${list(o as unknown as Iterable<unknown>, (x) => pretty(x, depth + 1))}]`;
  }
  if (o instanceof Map) return `Map {${list(o, (e) => { const [k, v] = e as [unknown, unknown]; return `${pretty(k, depth + 1)} => ${pretty(v, depth + 1)}`; })}}`;
  if (o instanceof Set) return `Set {${list(o, (x) => pretty(x, depth + 1))}}`;
  const name = typedName(o);
  const prefix = name === 'Object' ? '' : `${name} `;
  const fields = list(Object.keys(o), (k) => `${JSON.stringify(k)}: ${pretty((o as Record<string, unknown>)[k as string], depth + 1)}`);
  return `${prefix}{${fields}}`;
}

/** What Node's util.format prints for one value at `%s`. */
function formatS(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Error)) return pretty(v);
  if (Array.isArray(v)) return pretty(v);
  return String(v);
}

function formatPlaceholder(letter: string, v: unknown): string {
  switch (letter) {
    case 's':
      return formatS(v);
    case 'd': {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'object' && v !== null) return 'NaN';
      const n = Number(v);
      return Object.is(n, -0) ? '-0' : String(n);
    }
    case 'i': {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'object' && v !== null) return 'NaN';
      return String(parseInt(String(v), 10));
    }
    case 'f':
      return typeof v === 'symbol' ? 'NaN' : String(parseFloat(String(v)));
    case 'j':
      try {
        return JSON.stringify(v) ?? 'undefined';
      } catch {
        return '[Circular]';
      }
    default: // p, o, O
      return pretty(v);
  }
}

const PLACEHOLDER = /%[psdifjoO]/;

/**
 * A `test.each` title for an array row, as jest-each builds it: `%#` is the row index,
 * `%$` the row number, then each value fills the next placeholder; values without a
 * placeholder are not appended; `%%` prints `%`.
 */
export function eachTitle(title: string, row: readonly unknown[], index: number): string {
  let text = title.replace(/%#/g, String(index)).replace(/%\$/g, String(index + 1));
  // Mark literal `%%` so a value cannot turn it into a placeholder.
  const PERCENT = '\u0000';
  text = text.replace(/%%/g, PERCENT);
  for (const value of row) {
    const m = PLACEHOLDER.exec(text);
    if (m === null) break;
    const shown = formatPlaceholder(m[0][1], value).replace(/%/g, PERCENT);
    text = text.slice(0, m.index) + shown + text.slice(m.index + 2);
  }
  return text.replace(/\u0000/g, '%');
}

/** A title for a template-table row or an object row: `$name`, `$a.b`, `$#`. */
export function templateTitle(title: string, row: Record<string, unknown>, index: number): string {
  const keys = Object.keys(row);
  let text = title.replace(/\$#/g, String(index));
  if (keys.length === 0) return text;
  const escaped = keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`\\$(${escaped.join('|')})[.\\w]*`, 'g');
  text = text.replace(pattern, (match) => {
    let value: unknown = row;
    for (const part of match.slice(1).split('.')) {
      if (typeof value !== 'object' || value === null) {
        value = undefined;
        break;
      }
      value = (value as Record<string, unknown>)[part];
    }
    const primitive = value === null || (typeof value !== 'object' && typeof value !== 'function');
    return primitive ? String(value) : pretty(value, 5);
  });
  return text;
}
