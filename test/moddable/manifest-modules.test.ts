/**
 * The Moddable apps' module lists, checked without the SDK (so CI checks them): every
 * module an app imports at run time, transitively from its entry, must be a module of its
 * manifest (its own `modules` or those of the repository manifests it includes). A module
 * missing there builds without complaint and then stops the app at start in mcsim or on
 * the board, which only the $MODDABLE suites would see.
 *
 * Each module is transpiled as mcconfig's tsc does (moddable/tools/tsc: type-only imports
 * vanish) and its imports resolved as XS resolves them: a relative specifier against the
 * importing module's own specifier (".js" dropped), a bare one as is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../node/helpers.js';

/** What the SDK's included manifests provide (mcconfig writes mc/config; the others are SDK modules). */
const SDK_MODULES = new Set(['mc/config', 'instrumentation', 'time', 'timer']);
/** The simulator's platform (the esp32 entries list the same modules, with another driver in C). */
const PLATFORM = 'lin';
/** Imports per file: the check runs the walk many times. */
const importsOf = new Map<string, string[]>();

interface Manifest {
  include?: string[];
  modules?: Record<string, string | string[]>;
  platforms?: Record<string, { modules?: Record<string, string | string[]> }>;
}

/** Module specifier → source file (no extension yet), from a manifest and the repository manifests it includes. */
function moduleMap(manifestPath: string, root = true, out = new Map<string, string>(), entries: string[] = []): { modules: Map<string, string>; entries: string[] } {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const dir = dirname(manifestPath);
  for (const include of manifest.include ?? []) {
    if (!include.startsWith('$(')) moduleMap(resolve(dir, include), false, out, entries); // SDK manifests: SDK_MODULES
  }
  const add = (modules: Record<string, string | string[]> | undefined) => {
    for (const [specifier, value] of Object.entries(modules ?? {})) {
      if (specifier !== '*') {
        out.set(specifier, resolve(dir, value as string));
        continue;
      }
      // "*": files that are modules named by their file name (the app's entry "main"), or native code.
      for (const path of typeof value === 'string' ? [value] : value) {
        const file = resolve(dir, path);
        if (!sourceFile(file)) continue;
        out.set(posix.basename(path), file);
        if (root) entries.push(posix.basename(path));
      }
    }
  };
  add(manifest.modules);
  add(manifest.platforms?.[PLATFORM]?.modules);
  return { modules: out, entries };
}

function sourceFile(base: string): string | undefined {
  for (const ext of ['.ts', '.js']) if (existsSync(base + ext)) return base + ext;
  return undefined;
}

/** The specifiers a module imports at run time (after transpiling, as mcconfig builds it). */
function runtimeImports(file: string): string[] {
  const known = importsOf.get(file);
  if (known !== undefined) return known;
  const text = readFileSync(file, 'utf8');
  const js = file.endsWith('.ts') ? ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false }, fileName: file }).outputText : text;
  const imports = ts.preProcessFile(js, true, true).importedFiles.map((f) => f.fileName);
  importsOf.set(file, imports);
  return imports;
}

/** How XS names the module `specifier` imported from module `from`. */
function resolveSpecifier(from: string, specifier: string): string {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
  return posix.join(posix.dirname(from), specifier).replace(/\.js$/, '');
}

/** Imports that are in no module list, as "importer -> specifier"; also entries whose file is missing. */
function missingModules(modules: ReadonlyMap<string, string>, entries: readonly string[]): string[] {
  const missing: string[] = [];
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const file = sourceFile(modules.get(name)!);
    if (file === undefined) {
      missing.push(`${name}: no file ${modules.get(name)}.ts or .js`);
      continue;
    }
    for (const specifier of runtimeImports(file)) {
      const target = resolveSpecifier(name, specifier);
      if (modules.has(target)) queue.push(target);
      else if (!SDK_MODULES.has(target)) missing.push(`${name} -> ${target}`);
    }
  }
  return missing;
}

/** Each app with modules it reaches only through others (the check must miss each when taken out). */
const APPS: [string, string[]][] = [
  ['moddable/manifest.json', ['xstcp/hosts/common/board', 'xstcp/stack', 'xstcp/net/tcp/input']],
  ['moddable/scenario/manifest.json', ['xstcp/hosts/common/board', 'xstcp/stack', 'xstcp/net/tcp/input']],
  ['moddable/hotpath/manifest.json', ['xstcp/hosts/xs/ts/scripted-transfer', 'xstcp/stack', 'xstcp/net/tcp/input']],
];

describe.each(APPS)('%s lists every module its app imports (no SDK needed)', (app, deep) => {
  const { modules, entries } = moduleMap(join(REPO_ROOT, app));

  test('the app has an entry module', () => {
    expect(entries).toEqual(['main']);
  });

  test('every run-time import, transitively from the entry, is a module of the manifest', () => {
    expect(missingModules(modules, entries)).toEqual([]);
  });

  test('the check sees a missing entry: each module the app reaches, taken out of the list, is reported', () => {
    // The modules the app reaches other than its entry, and for each, the report without it.
    const reached = [...modules.keys()].filter((name) => name !== 'main' && missingModules(new Map([...modules].filter(([k]) => k !== name)), entries).length > 0);
    expect(reached.length).toBeGreaterThan(20);
    for (const name of deep) {
      const without = new Map(modules);
      without.delete(name);
      expect(missingModules(without, entries).some((line) => line.endsWith(`-> ${name}`))).toBe(true);
    }
  });
});
