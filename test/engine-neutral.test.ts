/**
 * src/, hosts/sim/ and hosts/common/ must run unchanged on XS: besides the compile-time
 * check (tsconfig.json has lib ES2022 and no ambient types), no Node module specifiers and
 * no globals that XS 13.3 lacks may appear in them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = ['src', 'hosts/sim', 'hosts/common', 'examples'];
const FORBIDDEN: [RegExp, string][] = [
  [/from\s+['"](node:|fs|path|os|crypto|child_process|net|dgram|util)['"/]/, 'a Node module import'],
  [/\brequire\s*\(/, 'require()'],
  [/\b(console|process|Buffer|setTimeout|setInterval|setImmediate|queueMicrotask|structuredClone)\s*[.(]/, 'a global XS lacks'],
  [/\.(toSorted|toReversed|toSpliced|findLastIndex)\s*\(|Promise\.withResolvers|Uint8Array\.fromHex|Object\.groupBy/, 'a library function newer than XS 13.3'],
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

test('engine-neutral code uses nothing XS lacks', () => {
  const problems: string[] = [];
  for (const file of ROOTS.flatMap(files)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*(\*|\/\*)/.test(code)) return; // comment lines
      for (const [pattern, what] of FORBIDDEN) if (pattern.test(code)) problems.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
    });
  }
  expect(problems).toEqual([]);
});
